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
        os.write(fd, b"sh\t")
        assert "show " in read_until(fd, "show ")
        os.write(fd, b"ver\t")
        assert "version " in read_until(fd, "version ")
        os.write(fd, b"?")
        out = read_until(fd, "<cr>")
        assert "json" in out and "JavaScript Object Notation" in out and "<cr>" in out
        os.write(fd, b"\n")
        assert "ipip-bgpd 0.1" in read_until(fd, "Built with")
        exit_shell(pid, fd)
    assert (tmp_path / ".history_ipip-vtysh").read_text().strip().endswith("exit")


def test_configure_terminal_changes_running_config(daemon_factory, tmp_path):
    conf = tmp_path / "c.conf"
    conf.write_text("hostname pty-a\n")
    d = daemon_factory(config=conf).start()
    with shell(d.sock, tmp_path) as (pid, fd):
        assert "pty-a# " in read_until(fd, "pty-a# ")
        os.write(fd, b"configure terminal\n")
        assert "pty-a(config)# " in read_until(fd, "pty-a(config)# ")
        os.write(fd, b"hostname x\n")
        assert "x(config)# " in read_until(fd, "x(config)# ")
        os.write(fd, b"router bgp 65001\n")
        assert "x(config-router)# " in read_until(fd, "x(config-router)# ")
        os.write(fd, b"neighbor 10.0.0.2 rem\t")
        assert "remote-as " in read_until(fd, "remote-as ")
        os.write(fd, b"65002\n")
        assert "x(config-router)# " in read_until(fd, "x(config-router)# ")
        os.write(fd, b"neighbor 10.0.0.2 ?")
        out = read_until(fd, "Free text")
        assert "description" in out and "remote-as" in out and "Free text" in out
        os.write(fd, b"\x15end\n")		# ^U clears the line
        assert "x# " in read_until(fd, "x# ")
        os.write(fd, b"show running-config\n")
        out = read_until(fd, "exit\r\n!")
        assert "hostname x" in out and "neighbor 10.0.0.2 remote-as 65002" in out
        exit_shell(pid, fd)
