"""Install llama-cpp-python built for exactly the instructions this machine's OS enables.

Why not pip's own build: llama.cpp defaults to ``-march=native``, which lets the compiler and
ggml use every instruction the CPU *reports*, AMX included. Inside some VMs the CPU reports
AMX but a worker thread may not use it, and the first matrix product dies with SIGILL. And
pip's wheel cache is keyed by the source only, so a wheel built on one CPU is reused on
another. So this script:

1. reads the instruction sets the kernel has enabled (``/proc/cpuinfo`` lists a feature only
   when the OS saved its register state) and turns them into explicit ``GGML_*`` flags with
   ``GGML_NATIVE=OFF``, AMX always off;
2. keys a wheel folder of its own by (version, flags, machine), so a wheel is only ever reused
   on a CPU with the same enabled features, and bypasses pip's cache for this package;
3. records what it installed in the virtual environment, so a venv holding any other build
   (an earlier native one, say) is rebuilt on the next ``make``;
4. refuses a build whose CPU library contains an AMX instruction.

Usage: ``python scripts/install_llama.py [--rebuild] [--check] [--native]``. ``--native`` is
for the side-by-side benchmark only (benchmarks/embedded_build.py).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "llama-cpp-python"
MARKER = Path(sys.prefix) / "llama-build.json"
# ggml option -> the /proc/cpuinfo flags that must all be present to turn it on
X86_OPTIONS = {
    "GGML_SSE42": ("sse4_2",),
    "GGML_AVX": ("avx",),
    "GGML_AVX2": ("avx2",),
    "GGML_BMI2": ("bmi2",),
    "GGML_FMA": ("fma",),
    "GGML_F16C": ("f16c",),
    "GGML_AVX_VNNI": ("avx_vnni",),
    "GGML_AVX512": ("avx512f", "avx512cd", "avx512vl", "avx512dq", "avx512bw"),
    "GGML_AVX512_VBMI": ("avx512vbmi",),
    "GGML_AVX512_VNNI": ("avx512_vnni",),
    "GGML_AVX512_BF16": ("avx512_bf16",),
}
NEVER = ("GGML_AMX_TILE", "GGML_AMX_INT8", "GGML_AMX_BF16")
COMMON = ("-DGGML_NATIVE=OFF", "-DLLAMA_BUILD_TESTS=OFF", "-DLLAMA_BUILD_EXAMPLES=OFF",
          "-DLLAMA_BUILD_TOOLS=OFF", "-DLLAMA_BUILD_SERVER=OFF", "-DGGML_CCACHE=OFF",
          "-DLLAVA_BUILD=OFF")
AMX = re.compile(r"\btile(?:zero|loadd|loaddt1|stored|release)\b|\bldtilecfg\b|\btdp")


def pinned_version() -> str:
    """The exact version pyproject's ``local`` extra pins (one place to bump it)."""
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for requirement in extras["optional-dependencies"]["local"]:
        if requirement.startswith(f"{PACKAGE}=="):
            return str(requirement.split("==", 1)[1])
    raise SystemExit(f"pyproject.toml: the 'local' extra must pin {PACKAGE}==VERSION")


def cpu_flags() -> set[str]:
    """Features the kernel reports as usable (it hides those whose state it does not save)."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    match = re.search(r"^(?:flags|Features)\s*:(.*)$", text, re.M)
    return set(match.group(1).split()) if match else set()


def cmake_args(flags: set[str], machine: str) -> list[str]:
    """Explicit instruction-set flags for this CPU; AMX never."""
    args = list(COMMON)
    if machine in ("x86_64", "amd64"):
        for option, needs in X86_OPTIONS.items():
            args.append(f"-D{option}={'ON' if set(needs) <= flags else 'OFF'}")
        args += [f"-D{option}=OFF" for option in NEVER]
    elif machine in ("aarch64", "arm64"):
        args.append(f"-DGGML_CPU_ARM_ARCH={arm_arch(flags)}")
    return args


def arm_arch(flags: set[str]) -> str:
    extensions = [ext for flag, ext in (("asimddp", "+dotprod"), ("asimdhp", "+fp16"),
                                         ("i8mm", "+i8mm")) if flag in flags]
    return ("armv8.2-a" + "".join(extensions)) if extensions else "armv8-a"


def build_key(version: str, args: list[str], machine: str) -> str:
    digest = hashlib.sha256(json.dumps([version, args, machine]).encode()).hexdigest()[:16]
    return f"{version}-{machine}-{digest}"


def wheel_dir(key: str) -> Path:
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "bot" / "llama-wheels" / key


def installed_key() -> str | None:
    """The key of the build in this venv, if it is still the one this script installed
    (a later ``pip install llama-cpp-python`` replaces the library and voids the record)."""
    try:
        marker = json.loads(MARKER.read_text())
    except (OSError, ValueError):
        return None
    return str(marker["key"]) if marker.get("library") == library_digest() else None


def library_digest() -> str | None:
    libraries = sorted((site_packages() / "llama_cpp" / "lib").glob("libggml-cpu*.so*"))
    if not libraries:
        return None
    digest = hashlib.sha256()
    for lib in libraries:
        digest.update(lib.read_bytes())
    return digest.hexdigest()


def build_wheel(version: str, args: list[str], into: Path) -> Path:
    """Compile the wheel (minutes) into ``into``; pip's cache is neither read nor written."""
    into.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "CMAKE_ARGS": " ".join(args),
           "CMAKE_BUILD_PARALLEL_LEVEL": str(os.cpu_count() or 2)}
    print(f"install_llama: compiling {PACKAGE} {version} (a few minutes, once per CPU kind)")
    print(f"install_llama: CMAKE_ARGS={env['CMAKE_ARGS']}")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-cache-dir", "--no-binary", PACKAGE, f"{PACKAGE}=={version}",
                    "-w", str(into)], check=True, env=env)
    return only_wheel(into)


def only_wheel(folder: Path) -> Path:
    wheels = sorted(folder.glob("llama_cpp_python-*.whl"))
    if not wheels:
        raise FileNotFoundError(folder)
    return wheels[-1]


def amx_instructions(site: Path) -> int:
    """AMX instructions in the installed CPU library (0 unless something went wrong)."""
    if shutil.which("objdump") is None:
        return 0
    total = 0
    for lib in (site / "llama_cpp" / "lib").glob("libggml-cpu*.so*"):
        out = subprocess.run(["objdump", "-d", "--no-show-raw-insn", str(lib)],
                             capture_output=True, text=True, check=False).stdout
        total += len(AMX.findall(out))
    return total


def site_packages() -> Path:
    import sysconfig

    return Path(sysconfig.get_paths()["purelib"])


def install(wheel: Path, key: str, args: list[str]) -> None:
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-cache-dir"]
    # replace whatever build is there, then add its dependencies (numpy, jinja2, diskcache)
    subprocess.run([*pip, "--no-deps", "--force-reinstall", str(wheel)], check=True)
    subprocess.run([*pip, str(wheel)], check=True)
    found = amx_instructions(site_packages())
    if found:
        raise SystemExit(f"install_llama: the built library holds {found} AMX instructions; "
                         "refusing it. Fix: report this with `python scripts/install_llama.py "
                         "--check` output")
    MARKER.write_text(json.dumps({"key": key, "cmake_args": args, "wheel": wheel.name,
                                  "library": library_digest()}))
    print(f"install_llama: installed {wheel.name} ({key})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rebuild", action="store_true", help="compile again, ignore caches")
    parser.add_argument("--check", action="store_true", help="say what is installed; no change")
    parser.add_argument("--native", action="store_true", help="-march=native (benchmarks only)")
    parser.add_argument("--wheel-only", action="store_true", help="build/cache, do not install")
    opts = parser.parse_args(argv)
    version, machine = pinned_version(), platform.machine().lower()
    args = ["-DGGML_NATIVE=ON"] if opts.native else cmake_args(cpu_flags(), machine)
    key = build_key(version, args, machine) + ("-native" if opts.native else "")
    if opts.check:
        current = installed_key()
        print(json.dumps({"wanted": key, "installed": current, "cmake_args": args}, indent=1))
        return 0 if current == key else 1
    if installed_key() == key and not opts.rebuild and not opts.wheel_only:
        return 0
    folder = wheel_dir(key)
    if opts.rebuild:
        shutil.rmtree(folder, ignore_errors=True)
    try:
        wheel = only_wheel(folder)
    except FileNotFoundError:
        wheel = build_wheel(version, args, folder)
    if opts.wheel_only:
        print(wheel)
        return 0
    install(wheel, key, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
