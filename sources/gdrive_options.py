"""The settings of a ``kind = "gdrive"`` source."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, model_validator


class DriveOptions(BaseModel):
    """The settings of a ``kind = "gdrive"`` source."""

    model_config = {"extra": "forbid"}

    folders: list[str] = Field(default_factory=list, description="folder ids, walked recursively")
    shared_drives: list[str] = Field(default_factory=list, description="shared drive ids")
    token_env: str = Field("GDRIVE_TOKEN", description="variable holding an OAuth access token")
    key_file_env: str = Field("GOOGLE_APPLICATION_CREDENTIALS",
                              description="variable naming a service-account key file (JSON)")
    api_endpoint: str = "https://www.googleapis.com/drive/v3/"
    docs_export: Literal["markdown", "html"] = "markdown"
    max_file_mb: float = Field(50.0, gt=0)
    timeout_s: float = Field(60.0, gt=0)
    max_wait_s: float = Field(300.0, ge=0, description="seconds to wait out 429s per listing")

    @model_validator(mode="after")
    def _something_to_sync(self) -> DriveOptions:
        if not self.folders and not self.shared_drives:
            raise ValueError("a gdrive source needs `folders` (folder ids) or `shared_drives` "
                             "(shared drive ids): add at least one")
        return self
