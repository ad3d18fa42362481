"""The interactive shell through a pseudo-terminal: prompt, TAB, '?', and
TAB offering what the daemon knows (neighbors, tunnels, config names)."""
import contextlib
import os
import pty
import select
import shutil
import time

import pytest

from bgplab import link_fixture
from conftest import VTYSH, wait_for
from test_overlay import BIRD_AS, OUR_AS, installed, lab, our_tunnels  # noqa: F401 (fixture)

link = link_fixture("pty", "10.0.31")


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


@contextlib.contextmanager
def shell_on(daemon_factory, tmp_path, conf_text, prompt):
    """A daemon started on conf_text and a shell on it, at its first prompt:
    yields (daemon, pid, fd)."""
    conf = tmp_path / "shell.conf"
    conf.write_text(conf_text)
    d = daemon_factory(config=conf).start()
    with shell(d.sock, tmp_path) as (pid, fd):
        assert prompt in read_until(fd, prompt)
        yield d, pid, fd


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
    with shell_on(daemon_factory, tmp_path, "hostname pty-site\n", "pty-site# ") as (_, pid, fd):
        say(fd, b"sh\t", "show ")
        say(fd, b"ver\t", "version ")
        out = say(fd, b"?", "<cr>")
        assert "json" in out and "JavaScript Object Notation" in out and "<cr>" in out
        assert "ipip-bgpd 0.1" in say(fd, b"\n", "Built with")
        exit_shell(pid, fd)
    assert (tmp_path / ".history_ipip-vtysh").read_text().strip().endswith("exit")


def test_configure_terminal_changes_running_config(daemon_factory, tmp_path):
    with shell_on(daemon_factory, tmp_path, "hostname pty-a\n", "pty-a# ") as (_, pid, fd):
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


NEIGHBORS_CONF = """hostname pty-nb
ip prefix-list PL-EDGE seq 5 permit 10.0.0.0/8
route-map RM-IN permit 10
exit
router bgp 65001
 bgp router-id 10.1.0.1
 neighbor EDGE peer-group
 neighbor 192.0.2.7 remote-as 65002
 neighbor 198.51.100.9 remote-as 65003
"""


def test_tab_offers_the_neighbors_and_names_the_daemon_knows(daemon_factory, tmp_path):
    with shell_on(daemon_factory, tmp_path, NEIGHBORS_CONF, "pty-nb# ") as (_, pid, fd):
        # two TABs: no common prefix, so readline lists every choice
        out = say(fd, b"show bgp neighbors \t\t", "json")
        assert "192.0.2.7" in out and "198.51.100.9" in out, out
        say(fd, b"\x15show bgp neighbors 192.0.2.\t", "192.0.2.7 ")     # narrowed to one
        say(fd, b"\x15show ip bgp neighbors 198\t", "198.51.100.9 ")
        say(fd, b"\x15clear bgp 192\t", "192.0.2.7 ")
        out = say(fd, b"\x15show bgp neighbors ?", "<cr>")              # '?' lists them too
        assert "A.B.C.D" in out and "192.0.2.7" in out and "198.51.100.9" in out, out
        say(fd, b"\x15configure terminal\n", "pty-nb(config)# ")
        say(fd, b"router bgp 65001\n", "pty-nb(config-router)# ")
        out = say(fd, b"neighbor \t\t", "EDGE")                        # peer-groups too
        assert "192.0.2.7" in out and "198.51.100.9" in out, out
        say(fd, b"\x15neighbor 192.0.2.7 peer-group \t", "EDGE ")
        say(fd, b"\x15address-family ipv4 unicast\n", "pty-nb(config-router-af)# ")
        say(fd, b"neighbor 198.51.100.9 route-map \t", "RM-IN ")
        say(fd, b"\x15neighbor 198.51.100.9 prefix-list P\t", "PL-EDGE ")
        say(fd, b"\x15end\n", "pty-nb# ")
        exit_shell(pid, fd)


def test_tab_without_the_daemon_completes_keywords_and_says_nothing(daemon_factory, tmp_path):
    with shell_on(daemon_factory, tmp_path, NEIGHBORS_CONF, "pty-nb# ") as (d, pid, fd):
        d.kill()
        out = say(fd, b"show bgp neighbors \t", "json ")     # the one keyword left
        out += say(fd, b"\x15sh\t", "show ")
        out += say(fd, b"\x15show tunnel \t", "json ")
        assert "192.0.2.7" not in out and "%" not in out, out


@pytest.mark.skipif(shutil.which("bird") is None, reason="bird2 not installed")
def test_tab_offers_the_tunnel_names(tmp_path, lab, daemon_factory):
    link, bird = lab
    bird.start()
    conf = tmp_path / "tun.conf"
    conf.write_text(f"hostname pty-tun\nrouter bgp {OUR_AS}\n bgp router-id 10.0.31.1\n"
                    " no bgp ebgp-requires-policy\n"
                    f" neighbor 10.0.31.2 remote-as {BIRD_AS}\n neighbor 10.0.31.2 timers 1 3\n"
                    " neighbor 10.0.31.2 timers connect 1\n"
                    "overlay\n mode always\n tunnel-style point-to-point\n driver userspace\nexit\n")
    d = daemon_factory(config=conf, netns=link.a).start()
    assert wait_for(lambda: len(our_tunnels(link.a)) == 2, 20), (installed(link.a), d.read_log())
    names = sorted(t["ifname"] for t in our_tunnels(link.a))
    with shell(d.sock, tmp_path) as (pid, fd):
        assert "pty-tun# " in read_until(fd, "pty-tun# ")
        out = say(fd, b"show tunnel \t\t", "json")
        assert all(n in out for n in names), (names, out)
        os.write(fd, b"\x15")
        exit_shell(pid, fd)
