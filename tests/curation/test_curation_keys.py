"""The terminal reviewer's keys through a real pseudo-terminal: the real ``flopsdb review`` command in a
child process on a pty, over a real DuckDB store; keys typed quickly or ahead are each one verdict."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time

import pytest
from curation_helpers import PASSWORD, fixture_candidates

from flopsdb.core.config import Config
from flopsdb.curation.terminal import KEYS_HELP
from flopsdb.db.store import Store
from flopsdb.review import review_store

READY = KEYS_HELP.split(" · ")[-1].encode()  # "q quit": the last thing drawn before a key is read
TIMEOUT = 60.0


class Pty:
    """``flopsdb --home HOME review --user NAME`` in a child process whose terminal is a fresh pty."""

    def __init__(self, config: Config, user: str) -> None:
        argv = [sys.executable, "-c", "from flopsdb.cli import main; main()", "--home", str(config.home), "review", "--user", user]
        env = {**os.environ, "TERM": "xterm", "COLUMNS": "120", "LINES": "40"}
        pid, fd = pty.fork()
        if pid == 0:  # the child: its stdin, stdout and stderr are the pty's slave side
            try:
                os.execve(sys.executable, argv, env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        self.out = b""
        self.status: int | None = None

    def send(self, data: bytes) -> None:
        """Type ``data`` in one write (as a fast typist's keys arrive)."""
        os.write(self.fd, data)

    def _read(self, timeout: float) -> bool:
        if not select.select([self.fd], [], [], timeout)[0]:
            return True
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            chunk = b""
        if not chunk:
            return False
        self.out += chunk
        return True

    def wait_for(self, needle: bytes, count: int = 1) -> None:
        """Read until ``needle`` has appeared ``count`` times in the output."""
        deadline = time.monotonic() + TIMEOUT
        while self.out.count(needle) < count:
            if time.monotonic() > deadline or not self._read(0.2):
                raise AssertionError(f"waited for {count} x {needle!r}; output so far:\n{self.tail()}")

    def finish(self) -> int:
        """Read to the end and return the exit status."""
        deadline = time.monotonic() + TIMEOUT
        while self._read(0.2):
            if time.monotonic() > deadline:
                raise AssertionError(f"the reviewer did not exit; output:\n{self.tail()}")
        _, status = os.waitpid(self.pid, 0)
        self.status = os.waitstatus_to_exitcode(status)
        return self.status

    def text(self) -> str:
        """The output as text without colours (SGR sequences)."""
        return re.sub(r"\x1b\[[0-9;]*m", "", self.out.decode("utf-8", "replace"))

    def tail(self) -> str:
        """The last part of the output, for failure messages."""
        return self.out[-3000:].decode("utf-8", "replace")

    def close(self) -> None:
        """Kill the child if it is still running (a failed test) and close the pty."""
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        os.close(self.fd)


@pytest.fixture
def queue(store: Store, config: Config):
    """Seven fixture candidates and an annotator, in the real store of the temporary home."""
    rs = review_store(config, store)
    rs.add_candidates(fixture_candidates(copies=1), command="test")
    rs.add_user("ann1", "annotator", PASSWORD)
    return rs


@pytest.fixture
def term(queue, config: Config):
    """The reviewer running on a pty (killed at the end if the test failed)."""
    t = Pty(config, "ann1")
    yield t
    t.close()


def test_two_keys_in_one_write_are_two_verdicts_and_nothing_is_echoed(queue, term: Pty) -> None:
    term.wait_for(READY)
    lflag = termios.tcgetattr(term.fd)[3]  # the pty's modes as the reviewer set them
    assert not lflag & termios.ECHO, "typed keys would be echoed while the reviewer waits"
    assert not lflag & termios.ICANON, "keys would wait for Enter"
    assert lflag & termios.ISIG, "Ctrl-C must still interrupt"
    term.send(b"ax")
    term.wait_for(READY, count=3)  # the second and the third item were drawn
    term.send(b"q")
    assert term.finish() == 0, term.tail()
    text = term.text()
    assert "unknown key" not in text
    assert "saved: accept 1, reject 1" in text
    events = queue.events(annotator="ann1")
    assert [e.action for e in events] == ["accept", "reject"]
    assert events[0].candidate_id != events[1].candidate_id
    assert all(e.source == "terminal" for e in events)


def test_keys_typed_while_the_next_item_loads_are_kept_in_order(queue, term: Pty) -> None:
    term.wait_for(READY)
    term.send(b"x")
    term.send(b" a")  # sent before the next item is drawn: type-ahead
    term.send(b"q")
    assert term.finish() == 0, term.tail()
    text = term.text()
    assert "unknown key" not in text
    assert "saved: accept 1, reject 1, unsure 1" in text
    assert [e.action for e in queue.events(annotator="ann1")] == ["reject", "unsure", "accept"]


def test_an_arrow_key_is_one_unknown_key_and_the_next_key_still_counts(queue, term: Pty) -> None:
    term.wait_for(READY)
    term.send(b"\x1b[Aa")  # up arrow (an escape sequence), then accept, in one write
    term.wait_for(READY, count=3)  # redrawn after the unknown key, then the next item
    term.send(b"q")
    assert term.finish() == 0, term.tail()
    text = term.text()
    line = text[text.index("unknown key") :].splitlines()[0]
    assert text.count("unknown key") == 1 and "x1b[A" in line, line
    assert [e.action for e in queue.events(annotator="ann1")] == ["accept"]


def test_edit_prompts_read_lines_typed_ahead_then_keys_resume(queue, term: Pty) -> None:
    term.wait_for(READY)
    assert b"hardware" in term.out  # the first item is a hardware candidate: accelerator, count, unit, model, stage
    term.send(b"e" + b"NVIDIA A100\n" + b"\n" * 4 + b"x")  # edit the accelerator, keep the rest, then reject the next item
    term.wait_for(READY, count=3)
    term.send(b"q")
    assert term.finish() == 0, term.tail()
    text = term.text()
    assert "unknown key" not in text
    events = queue.events(annotator="ann1")
    assert [e.action for e in events] == ["correct", "reject"], text[-2000:]
    assert json.loads(events[0].after)["fields"]["accelerator"] == "NVIDIA A100"


def test_the_terminal_mode_is_restored_at_the_end(queue, term: Pty) -> None:
    master, slave = os.openpty()  # a fresh pty's modes: what the reviewer must leave behind
    try:
        fresh = termios.tcgetattr(slave)[3]
    finally:
        os.close(master)
        os.close(slave)
    term.wait_for(READY)
    assert termios.tcgetattr(term.fd)[3] != fresh
    term.send(b"q")
    term.wait_for(b"saved: nothing")  # printed after the reviewer's terminal mode was restored
    assert termios.tcgetattr(term.fd)[3] == fresh, "the reviewer left the terminal without echo or line editing"
    assert term.finish() == 0, term.tail()
