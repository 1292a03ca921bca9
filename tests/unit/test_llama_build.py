"""scripts/install_llama.py: the installed llama.cpp suits this machine, and AMX never gets in."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "install_llama.py"
AMX_VM = {"sse4_2", "avx", "avx2", "bmi2", "fma", "f16c", "avx512f", "avx512cd", "avx512vl",
          "avx512dq", "avx512bw", "avx512_vnni", "avx512_bf16", "amx_tile", "amx_int8",
          "amx_bf16"}


@pytest.fixture(scope="module")
def installer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("install_llama", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_cpu_reporting_amx_gets_avx512_but_never_amx(installer: ModuleType) -> None:
    args = installer.cmake_args(AMX_VM, "x86_64")
    assert "-DGGML_NATIVE=OFF" in args
    assert "-DGGML_AVX512=ON" in args and "-DGGML_AVX512_VNNI=ON" in args
    assert {"-DGGML_AMX_TILE=OFF", "-DGGML_AMX_INT8=OFF", "-DGGML_AMX_BF16=OFF"} <= set(args)


def test_an_instruction_set_the_os_does_not_list_is_not_compiled_in(
        installer: ModuleType) -> None:
    older = {"sse4_2", "avx", "fma", "f16c"}  # an AVX-only machine: no AVX2, no AVX-512
    args = installer.cmake_args(older, "x86_64")
    assert "-DGGML_AVX=ON" in args
    assert "-DGGML_AVX2=OFF" in args and "-DGGML_AVX512=OFF" in args


def test_a_wheel_is_only_reused_on_a_cpu_with_the_same_enabled_features(
        installer: ModuleType) -> None:
    with_512 = installer.build_key("0.3.36", installer.cmake_args(AMX_VM, "x86_64"), "x86_64")
    without = installer.build_key("0.3.36", installer.cmake_args({"avx", "avx2"}, "x86_64"),
                                  "x86_64")
    assert with_512 != without


def test_the_installed_build_is_the_one_for_this_machine() -> None:
    """A venv holding a build for another CPU (or pip's cached native wheel) fails here."""
    pytest.importorskip("llama_cpp")
    check = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True,
                           text=True, check=False)
    assert check.returncode == 0, check.stdout


def test_the_installed_cpu_library_holds_no_amx_instruction(installer: ModuleType) -> None:
    pytest.importorskip("llama_cpp")
    site = Path(sysconfig.get_paths()["purelib"])
    libraries = list((site / "llama_cpp" / "lib").glob("libggml-cpu*.so*"))
    assert libraries, "llama_cpp ships no libggml-cpu library"
    assert shutil.which("objdump"), "binutils' objdump is needed to read the library"
    assert installer.amx_instructions(site) == 0


def test_the_amx_scan_recognises_amx_instructions(installer: ModuleType) -> None:
    listing = "  4005d0:\ttilezero %tmm0\n  4005d4:\ttileloadd (%rsi,%rdx,1),%tmm1\n"
    assert len(installer.AMX.findall(listing)) == 2
    assert not installer.AMX.findall("  4005d0:\tvpdpbusd %zmm1,%zmm2,%zmm3\n")
