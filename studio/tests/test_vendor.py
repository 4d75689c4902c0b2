"""The asset fetcher verifies the registry's sha512 and writes only the
listed files (no network: a tarball made here)."""

import base64
import hashlib
import io
import tarfile

import pytest

from studio.vendor import Package, VendorError, vendor_install


def tarball(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def package_of(data: bytes, files: tuple[str, ...] = ("lib/x.js",)) -> Package:
    integrity = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    return Package(name="x", version="1.0.0", integrity=integrity, files=files, folder="x")


def test_a_verified_package_writes_only_its_listed_files(tmp_path):
    data = tarball({"package/lib/x.js": b"ok", "package/../../evil.js": b"no", "package/other.js": b"no"})
    package = package_of(data)
    fetched = []

    def fetch(url: str) -> bytes:
        fetched.append(url)
        return data

    installed = vendor_install(destination=tmp_path, packages=(package,), fetch=fetch)
    assert installed == ["x@1.0.0"] and fetched == ["https://registry.npmjs.org/x/-/x-1.0.0.tgz"]
    assert (tmp_path / "x" / "lib" / "x.js").read_bytes() == b"ok"
    assert sorted(p.name for p in tmp_path.rglob("*.js")) == ["x.js"]
    # Pinned and present: not fetched again.
    assert vendor_install(destination=tmp_path, packages=(package,), fetch=lambda url: pytest.fail(url)) == []


def test_a_tarball_that_does_not_match_its_integrity_is_refused(tmp_path):
    package = package_of(tarball({"package/lib/x.js": b"ok"}))
    with pytest.raises(VendorError, match="integrity mismatch"):
        vendor_install(destination=tmp_path, packages=(package,), fetch=lambda url: tarball({"package/lib/x.js": b"x"}))
    assert not (tmp_path / "x").exists()


def test_a_listed_file_missing_from_the_package_fails(tmp_path):
    data = tarball({"package/lib/x.js": b"ok"})
    with pytest.raises(VendorError, match=r"has no lib/y\.js"):
        vendor_install(destination=tmp_path, packages=(package_of(data, ("lib/y.js",)),), fetch=lambda url: data)
