"""The interactive shell through a pseudo-terminal: prompt, TAB, '?'."""
import contextlib
import os
import pty
import select
import time

from conftest import VTYSH


def read_until(fd, needle, timeout=10):
    buf = b""
    end = time.monotonic() + timeout
    while needle.encode() not in buf and time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                buf += os.read(fd, 4096)
            except OSError:
                break
    return buf.decode(errors="replace")


def spawn_shell(sock, tmp_path):
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["HOME"] = str(tmp_path)
        os.environ["TERM"] = "dumb"
        os.execv(VTYSH, [VTYSH, "-S", sock])
    return pid, fd


@contextlib.contextmanager
def shell(sock, tmp_path):
    """A shell on a pty; killed by PID if the test did not make it exit."""
    pid, fd = spawn_shell(sock, tmp_path)
    try:
        yield pid, fd
    finally:
        try:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(fd)


def say(fd, keys, expect):
    """Type keys; return what the shell printed up to expect, which must appear."""
    os.write(fd, keys)
    out = read_until(fd, expect)
    assert expect in out, out
    return out


def exit_shell(pid, fd):
    os.write(fd, b"exit\n")
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


def test_prompt_tab_and_help(daemon_factory, tmp_path):
    conf = tmp_path / "p.conf"
    conf.write_text("hostname pty-site\n")
    d = daemon_factory(config=conf).start()
    with shell(d.sock, tmp_path) as (pid, fd):
        assert "pty-site# " in read_until(fd, "pty-site# ")
        say(fd, b"sh\t", "show ")
        say(fd, b"ver\t", "version ")
        out = say(fd, b"?", "<cr>")
        assert "json" in out and "JavaScript Object Notation" in out and "<cr>" in out
        assert "ipip-bgpd 0.1" in say(fd, b"\n", "Built with")
        exit_shell(pid, fd)
    assert (tmp_path / ".history_ipip-vtysh").read_text().strip().endswith("exit")


def test_configure_terminal_changes_running_config(daemon_factory, tmp_path):
    conf = tmp_path / "c.conf"
    conf.write_text("hostname pty-a\n")
    d = daemon_factory(config=conf).start()
    with shell(d.sock, tmp_path) as (pid, fd):
        assert "pty-a# " in read_until(fd, "pty-a# ")
        say(fd, b"configure terminal\n", "pty-a(config)# ")
        say(fd, b"hostname x\n", "x(config)# ")
        say(fd, b"router bgp 65001\n", "x(config-router)# ")
        say(fd, b"neighbor 10.0.0.2 rem\t", "remote-as ")
        say(fd, b"65002\n", "x(config-router)# ")
        out = say(fd, b"neighbor 10.0.0.2 ?", "Free text")
        assert "description" in out and "remote-as" in out and "Free text" in out
        say(fd, b"\x15end\n", "x# ")		# ^U clears the line
        out = say(fd, b"show running-config\n", "exit\r\n!")
        assert "hostname x" in out and "neighbor 10.0.0.2 remote-as 65002" in out
        exit_shell(pid, fd)
