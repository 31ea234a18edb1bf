"""Files beside ICE's lists: a path as a manifest knows it (`resolved`) is the path resolved, links included."""

from __future__ import annotations

from pathlib import Path

from wso.registry.sources import forget_folders, resolved


def test_resolved_is_the_path_resolved_through_linked_folders_and_files(tmp_path: Path) -> None:
    real = tmp_path / "real"
    (real / "sub").mkdir(parents=True)
    (real / "sub" / "a.xlsx").write_bytes(b"a")
    (real / "b.xlsx").write_bytes(b"b")
    (tmp_path / "linked").symlink_to(real, target_is_directory=True)
    (real / "sub" / "c.xlsx").symlink_to(real / "b.xlsx")
    forget_folders()
    for path in (
        real / "sub" / "a.xlsx",
        tmp_path / "linked" / "sub" / "a.xlsx",
        tmp_path / "linked" / "sub" / ".." / "b.xlsx",
        tmp_path / "linked" / "sub" / "c.xlsx",  # a file that is a link: resolved whole
        real / "sub" / "none.xlsx",
        Path("relative") / "x.xlsx",
        tmp_path / "linked" / "sub" / "..",
    ):
        assert resolved(path) == path.resolve(), path
    assert resolved(tmp_path / "linked" / "sub" / "c.xlsx") == real / "b.xlsx"


def test_a_folder_linked_elsewhere_since_is_resolved_anew_after_forget_folders(tmp_path: Path) -> None:
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
    link = tmp_path / "current"
    link.symlink_to(tmp_path / "one", target_is_directory=True)
    forget_folders()
    assert resolved(link / "f.xlsx") == tmp_path / "one" / "f.xlsx"
    link.unlink()
    link.symlink_to(tmp_path / "two", target_is_directory=True)
    forget_folders()
    assert resolved(link / "f.xlsx") == (link / "f.xlsx").resolve() == tmp_path / "two" / "f.xlsx"
