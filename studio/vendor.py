"""Front-end libraries for the studio, from the npm registry, pinned.

    python -m studio.vendor            (make assets; make run and make test do it)

No node is needed: each package's tarball is downloaded from the registry,
checked against the sha512 `integrity` the registry published for that
exact version (written below, so a changed tarball fails the build), and
only the files the pages load are extracted into
studio/static/studio/vendor/, which git ignores. whitenoise serves them
from the app like every other static file; the pages load nothing from
elsewhere. Standard library only: it runs before any requirement.
"""

import argparse
import base64
import hashlib
import io
import json
import sys
import tarfile
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REGISTRY = "https://registry.npmjs.org"
VENDOR_DIR = Path(__file__).resolve().parent / "static" / "studio" / "vendor"
STAMP = ".manifest.json"


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    integrity: str  # "sha512-<base64>", as the registry's dist.integrity
    files: tuple[str, ...]  # paths inside the tarball's package/ folder
    folder: str  # under VENDOR_DIR

    @property
    def tarball(self) -> str:
        return f"{REGISTRY}/{self.name}/-/{self.name.rsplit('/', 1)[-1]}-{self.version}.tgz"


PACKAGES = (
    # CodeMirror 5: one script and its modes and add-ons as plain files, no
    # bundler; maintained (5.65.x), with a Jinja2 mode and hint add-on.
    Package(
        name="codemirror",
        version="5.65.21",
        integrity="sha512-6teYk0bA0nR3QP0ihGMoxuKzpl5W80FpnHpBJpgy66NK3cZv5b/d/HY8PnRvfSsCG1MTfr92u2WUl+wT0E40mQ==",
        files=(
            "LICENSE",
            "lib/codemirror.js",
            "lib/codemirror.css",
            "mode/jinja2/jinja2.js",
            "addon/hint/show-hint.js",
            "addon/hint/show-hint.css",
            "addon/lint/lint.css",
            "addon/edit/matchbrackets.js",
        ),
        folder="codemirror",
    ),
    Package(
        name="htmx.org",
        version="2.0.11",
        integrity="sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA==",
        files=("LICENSE", "dist/htmx.min.js"),
        folder="htmx",
    ),
    # axe-core is loaded only by the browser tests (accessibility checks).
    Package(
        name="axe-core",
        version="4.14.1",
        integrity="sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==",
        files=("LICENSE", "axe.min.js"),
        folder="axe-core",
    ),
)


class VendorError(Exception):
    """A package could not be fetched, verified or unpacked."""


def integrity_check(data: bytes, integrity: str) -> None:
    algorithm, _, expected = integrity.partition("-")
    if algorithm != "sha512":
        raise VendorError(f"unsupported integrity algorithm {algorithm!r}")
    actual = base64.b64encode(hashlib.sha512(data).digest()).decode()
    if actual != expected:
        raise VendorError(f"integrity mismatch: expected sha512-{expected}, got sha512-{actual}")


def extract(data: bytes, package: Package, destination: Path) -> list[Path]:
    """Write the package's listed files (and only those) under `destination`.
    Paths come from the manifest above, never from the archive, so an entry
    named `../x` in a tarball cannot write outside the folder."""
    written = []
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        members = {member.name: member for member in archive.getmembers() if member.isfile()}
        for name in package.files:
            member = members.get(f"package/{name}")
            if member is None:
                raise VendorError(f"{package.name}@{package.version} has no {name}")
            source = archive.extractfile(member)
            assert source is not None
            target = destination / package.folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read())
            written.append(target)
    return written


def download(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": "beacon-studio-vendor"})  # noqa: S310 - https only
    with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - the registry's https URL
        return bytes(response.read())


def _stamp(package: Package) -> dict[str, str]:
    return {"version": package.version, "integrity": package.integrity}


def vendor_install(
    *,
    destination: Path = VENDOR_DIR,
    packages: tuple[Package, ...] = PACKAGES,
    fetch: Callable[[str], bytes] = download,
) -> list[str]:
    """Fetch, verify and unpack every package not already present at its
    pinned version; returns what was installed. `fetch` is replaceable for
    tests (no network)."""
    stamp_path = destination / STAMP
    stamps = json.loads(stamp_path.read_text()) if stamp_path.exists() else {}
    installed = []
    for package in packages:
        present = all((destination / package.folder / name).exists() for name in package.files)
        if present and stamps.get(package.name) == _stamp(package):
            continue
        data = fetch(package.tarball)
        integrity_check(data, package.integrity)
        extract(data, package, destination)
        stamps[package.name] = _stamp(package)
        installed.append(f"{package.name}@{package.version}")
    destination.mkdir(parents=True, exist_ok=True)
    stamp_path.write_text(json.dumps(stamps, indent=2, sort_keys=True) + "\n")
    return installed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m studio.vendor", description=__doc__.splitlines()[0])
    parser.add_argument("--dest", type=Path, default=VENDOR_DIR)
    args = parser.parse_args(argv)
    try:
        installed = vendor_install(destination=args.dest)
    except (VendorError, OSError) as exc:
        print(f"studio assets: {exc}", file=sys.stderr)
        return 1
    print("studio assets: " + (", ".join(installed) if installed else "up to date"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
