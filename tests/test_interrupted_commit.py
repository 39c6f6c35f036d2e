"""A writer killed mid-commit leaves the index as SQLite can repair it: no 'damaged' error then
(vectorstore/index_file.py). A real commit's journal and pages, put together as a kill leaves them."""

import os
import sqlite3
import struct

import pytest

from vectorstore.index_file import check_index_file
from vectorstore.location import StoreUnavailableError


def _killed_mid_commit(live, crashed):
    """`crashed` as a kill between writing the new first page and growing the file leaves it: the header
    counts pages the file lacks, and the rollback journal is beside it. Returns the rows before the commit."""
    path = live / "chroma.sqlite3"
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("pragma journal_mode=delete")
    con.execute("pragma cache_size=5")  # the journal reaches the disk before the commit
    con.execute("create table t(x)")
    for _ in range(50):
        con.execute("insert into t values (?)", (os.urandom(3000),))
    before = path.read_bytes()
    con.execute("begin")
    for _ in range(200):
        con.execute("insert into t values (?)", (os.urandom(3000),))
    journal = (live / "chroma.sqlite3-journal").read_bytes()
    con.execute("commit")
    con.close()
    after = path.read_bytes()
    page = struct.unpack(">H", before[16:18])[0]
    (crashed / "chroma.sqlite3").write_bytes(after[:page] + before[page:])
    (crashed / "chroma.sqlite3-journal").write_bytes(journal)
    assert struct.unpack(">I", after[28:32])[0] * page > len(before)  # the header over-counts: "cut short"
    return 50


def test_an_index_killed_mid_commit_is_rolled_back_not_called_damaged(tmp_path):
    live, crashed = tmp_path / "live", tmp_path / "crashed"
    live.mkdir()
    crashed.mkdir()
    rows = _killed_mid_commit(live, crashed)
    check_index_file(crashed)  # no error: SQLite rolls the commit back on the next open
    con = sqlite3.connect(crashed / "chroma.sqlite3")
    assert con.execute("pragma integrity_check").fetchone() == ("ok",)
    assert con.execute("select count(*) from t").fetchone() == (rows,)


def test_the_same_file_with_no_journal_beside_it_is_damaged(tmp_path):
    live, crashed = tmp_path / "live", tmp_path / "crashed"
    live.mkdir()
    crashed.mkdir()
    _killed_mid_commit(live, crashed)
    (crashed / "chroma.sqlite3-journal").unlink()
    with pytest.raises(StoreUnavailableError, match="is cut short"):
        check_index_file(crashed)
