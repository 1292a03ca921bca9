"""The fine-tune export's redaction: every provider's token shape goes, dates and names stay.

The token values below have the real shapes (lengths, prefixes, alphabets) of each
provider's keys and are made up.
"""

from __future__ import annotations

import pytest

from apps.export.redaction import build_redactor

REDACT = build_redactor(["email", "phone", "keys"], [])

TOKENS = {
    "slack bot": "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy",
    "slack app": "xapp-1-A0123456789-1234567890123-4f0e8c5d1b2a39e7c6f5d4b3a291807f",
    "slack user": "xoxp-1234567890-1234567890-1234567890123-4f0e8c5d1b2a39e7c6f5d4b3a2918071",
    "openai legacy": "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",
    "openai project": "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe0fGh3iJk6lMn9oPq2rSt5u"
                      "Vw8xYz1aBc4dEf7gHi0jKl3mNo6pQr9sTu2vWx5yZa8bCd1eFg4hIj7",
    "dated secret key": "sk-live-2024-01-15-abcdefGHIJKLmnop1234",
    "github classic": "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
    "github fine-grained": "github_pat_11ABCDEFG0Qx7Lm2Nb5Vc8_Zt4Hs9Kd3Pf6Wg1Jr7Yn2Ue5Ia8Ob4Mc7"
                           "Ql0Xv3Sd6Fh9",
    "gitlab": "glpat-xYz12AbCdEfGhIjKlMnO",
    "google": "AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe",
    "aws key id": "AKIAIOSFODNN7EXAMPLE",
    "jwt": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6Ikpv"
           "aG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
}


@pytest.mark.parametrize("kind", sorted(TOKENS))
def test_every_providers_token_is_redacted_whole(kind: str) -> None:
    token = TOKENS[kind]
    out = REDACT(f"my token is {token} thanks")
    assert out == "my token is [key] thanks"


def test_a_slack_token_is_not_eaten_by_the_phone_rule_leaving_its_tail() -> None:
    out = REDACT("use xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy now")
    assert "[phone]" not in out and "pdFZKVeTuE8sk7oOcBrzbqgy" not in out


def test_an_aws_secret_key_after_its_name_is_redacted() -> None:
    out = REDACT("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    assert out == "aws_secret_access_key = [key]"


def test_a_pem_private_key_goes_whole() -> None:
    pem = ("-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo\n"
           "4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0\n-----END RSA PRIVATE KEY-----")
    assert REDACT(f"here:\n{pem}\nthat was it") == "here:\n[key]\nthat was it"


def test_a_password_line_keeps_its_label_and_loses_its_value() -> None:
    assert REDACT("password: hunter2isgood") == "password: [key]"


def test_credentials_in_a_url_lose_the_password() -> None:
    out = REDACT("connect to postgresql://u:pw@localhost/db please")
    assert "pw@" not in out and "postgresql://u:[key]@localhost/db" in out


@pytest.mark.parametrize("text", [
    "pkg_resources_module is imported by setuptools",
    "the release on 2024-01-15 and again on 15.01.2024",
    "the server at 192.168.1.20 and 10.0.0.1",
    "version 1.2.3 of the library; pi is 3.14159265",
    "meet at 12:30:45, a million is 1,000,000",
    "see https://example.com/docs/getting-started/installation for the guide",
    "configuration_management_system and importlib_metadata_backport",
])
def test_ordinary_text_is_left_as_it_was(text: str) -> None:
    assert REDACT(text) == text


def test_phones_and_emails_are_still_redacted_after_the_secrets() -> None:
    said = "Call +1 415 555 0100 or (415) 555-0100, mail bo@x.io, key sk-proj-AbCdEf0123456789xyz"
    assert REDACT(said) == "Call [phone] or [phone], mail [email], key [key]"


def test_keep_keys_leaves_tokens_but_still_redacts_phones() -> None:
    redact = build_redactor(["email", "phone"], [])
    token = TOKENS["slack bot"]
    assert redact(f"{token} and +44 20 7946 0958") == f"{token} and [phone]"
