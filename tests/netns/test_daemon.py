"""The daemon and the shell as an operator meets them: start, ask, reload,
stop; and every way a start can go wrong gives one clear line."""
import json
import os
import signal
import socket
import stat
import struct
import shutil
import subprocess
import tempfile
import time

from conftest import BGPD, VTYSH, Daemon, vtysh, vtysh_json, wait_for


def version_of_binary():
    out = subprocess.run([BGPD, "--version"], capture_output=True, text=True, check=True).stdout
    return out.split()[1]


def test_show_version_json_then_sigterm_exits_cleanly(daemon):
    v = vtysh_json(daemon.sock, "show version json")
    assert v["version"] == version_of_binary()
    assert "libevent" in v["features"]
    assert daemon.stop() == 0
    assert not os.path.exists(daemon.sock), "socket left behind"
    assert not os.path.exists(daemon.pidfile), "PID file left behind"
    assert "terminating on signal 15" in daemon.read_log()
    daemon.assert_no_sanitizer_report()


def test_sigint_also_exits_cleanly(daemon):
    assert daemon.stop(signal.SIGINT) == 0
    assert not os.path.exists(daemon.sock)
    daemon.assert_no_sanitizer_report()


def test_show_daemon_reports_pid_config_and_level(daemon_factory, tmp_path):
    conf = tmp_path / "site.conf"
    conf.write_text("! test site\nhostname site-a\nlog stdout informational\n")
    d = daemon_factory(config=conf).start()
    j = vtysh_json(d.sock, "show daemon json")
    assert j["pid"] == d.proc.pid
    assert open(d.pidfile).read().strip() == str(d.proc.pid)
    assert j["hostname"] == "site-a"
    assert j["configFile"] == str(conf)
    assert j["logLevel"] == "informational"
    assert j["controlSocket"] == d.sock
    assert 0 <= j["uptimeSec"] < 60
    text = vtysh(d.sock, "show daemon").stdout
    assert f"pid {d.proc.pid}" in text and "site-a" in text and str(conf) in text


def test_debug_flag_sets_level_debugging(daemon_factory):
    d = daemon_factory(args=["-d"]).start()
    assert vtysh_json(d.sock, "show daemon json")["logLevel"] == "debugging"


def test_abbreviated_commands_work(daemon):
    r = vtysh(daemon.sock, "sh ver j")
    assert r.returncode == 0
    assert json.loads(r.stdout)["version"]


def test_unknown_command_one_line_and_nonzero(daemon):
    r = vtysh(daemon.sock, "show bogus")
    assert r.returncode == 1
    assert r.stderr.strip().splitlines() == ["% Unknown command: show bogus"]
    assert r.stdout == ""


def test_failed_command_stops_the_script(daemon):
    r = vtysh(daemon.sock, "show version", "show nothing", "show daemon")
    assert r.returncode == 1
    assert "ipip-bgpd" in r.stdout and "Hostname" not in r.stdout


def test_shell_without_daemon_says_so(tmp_path):
    r = vtysh(str(tmp_path / "none.sock"), "show version")
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1
    assert "cannot connect to ipip-bgpd" in r.stderr and "is the daemon running?" in r.stderr


def test_missing_config_file_is_one_error_line(daemon_factory, tmp_path):
    d = daemon_factory(config=tmp_path / "missing.conf").start(wait=False)
    assert d.proc.wait(10) == 1
    errors = [l for l in d.read_log().splitlines() if "error:" in l]
    assert len(errors) == 1
    assert f"cannot open config file {tmp_path}/missing.conf: No such file" in errors[0]
    assert not os.path.exists(d.sock)


def test_bad_config_names_file_and_line(daemon_factory, tmp_path):
    conf = tmp_path / "bad.conf"
    conf.write_text("hostname ok\n\nfrobnicate now\n")
    d = daemon_factory(config=conf).start(wait=False)
    assert d.proc.wait(10) == 1
    assert f"{conf}:3: /: unknown keyword 'frobnicate'" in d.read_log()


def test_config_check_mode(tmp_path):
    good = tmp_path / "good.conf"
    good.write_text("hostname x\n")
    bad = tmp_path / "bad.conf"
    bad.write_text("log stdout loud\n")
    r = subprocess.run([BGPD, "-C", "-f", str(good)], capture_output=True, text=True)
    assert r.returncode == 0 and "configuration OK" in r.stdout
    r = subprocess.run([BGPD, "-C", "-f", str(bad)], capture_output=True, text=True)
    assert r.returncode == 1 and f"{bad}:1: /: unknown keyword 'loud'" in r.stderr


def test_socket_path_that_cannot_be_created(daemon_factory, tmp_path):
    d = daemon_factory()
    d.sock = "/nonexistent-dir/ipip.sock"
    d.start(wait=False)
    assert d.proc.wait(10) == 1
    errors = [l for l in d.read_log().splitlines() if "error:" in l]
    assert errors and len(errors) == 1
    assert "cannot create control socket /nonexistent-dir/ipip.sock: No such file or directory" in errors[0]
    assert not os.path.exists(d.pidfile), "PID file left behind by a failed start"


def test_overlong_socket_path(daemon_factory, tmp_path):
    d = daemon_factory()
    d.sock = str(tmp_path / ("x" * 120))
    d.start(wait=False)
    assert d.proc.wait(10) == 1
    assert "is longer than 107 bytes" in d.read_log()


def test_second_daemon_on_same_socket_is_refused(daemon, daemon_factory, tmp_path):
    second = daemon_factory(name="second")
    second.sock = daemon.sock
    second.start(wait=False)
    assert second.proc.wait(10) == 1
    assert f"another ipip-bgpd is already running on {daemon.sock}" in second.read_log()
    assert vtysh(daemon.sock, "show version").returncode == 0, "first daemon harmed"
    assert os.path.exists(daemon.sock)


def test_second_daemon_with_same_pidfile_is_refused(daemon, daemon_factory):
    second = daemon_factory(name="second")
    second.pidfile = daemon.pidfile
    second.start(wait=False)
    assert second.proc.wait(10) == 1
    assert f"another ipip-bgpd (pid {daemon.proc.pid}) holds the PID file" in second.read_log()
    assert open(daemon.pidfile).read().strip() == str(daemon.proc.pid)


def test_stale_socket_from_a_crash_is_replaced(daemon_factory, tmp_path):
    d = daemon_factory()
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(d.sock)          # a socket file nobody listens on, as after SIGKILL
    s.close()
    d.start()
    assert vtysh(d.sock, "show version").returncode == 0


def test_non_socket_file_is_not_replaced(daemon_factory, tmp_path):
    d = daemon_factory()
    with open(d.sock, "w") as f:
        f.write("precious")
    d.start(wait=False)
    assert d.proc.wait(10) == 1
    assert "exists and is not a socket" in d.read_log()
    assert open(d.sock).read() == "precious"


def test_socket_mode_is_0660(daemon):
    assert stat.S_IMODE(os.stat(daemon.sock).st_mode) == 0o660


def test_peer_credentials_refuse_other_users(daemon_factory):
    pub = tempfile.mkdtemp(prefix="ipip-cred-")     # reachable by an unprivileged user
    os.chmod(pub, 0o755)
    daemon = daemon_factory()
    daemon.sock = os.path.join(pub, "d.sock")
    daemon.start()
    os.chmod(daemon.sock, 0o666)    # the file mode no longer protects; SO_PEERCRED must
    r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                        VTYSH, "-S", daemon.sock, "-c", "show version"],
                       capture_output=True, text=True, timeout=20)
    assert r.returncode != 0
    assert "ipip-bgpd" not in r.stdout
    assert wait_for(lambda: "refused client" in daemon.read_log(), 5)
    assert vtysh(daemon.sock, "show version").returncode == 0
    assert "permission denied" in r.stderr and "group ipipbgpd" in r.stderr
    daemon.stop()
    shutil.rmtree(pub)


def test_sighup_reloads_and_a_bad_file_keeps_the_running_config(daemon_factory, tmp_path):
    conf = tmp_path / "r.conf"
    conf.write_text("hostname before\n")
    d = daemon_factory(config=conf).start()
    conf.write_text("hostname after\n")
    d.proc.send_signal(signal.SIGHUP)
    assert wait_for(lambda: vtysh_json(d.sock, "show daemon json")["hostname"] == "after")
    conf.write_text("hostname broken\nnonsense\n")
    d.proc.send_signal(signal.SIGHUP)
    assert wait_for(lambda: "keeping the running configuration" in d.read_log())
    assert vtysh_json(d.sock, "show daemon json")["hostname"] == "after"
    assert f"{conf}:2: /: unknown keyword 'nonsense'" in d.read_log()


def test_relative_paths_still_mean_the_start_directory_once_detached(netns_factory, tmp_path):
    """`cd /etc/x; ipip-bgpd -f d.conf ...`: the daemon moves to / when it
    detaches, yet reload, write memory, show daemon and the clean-up at exit
    mean the files beside where it started."""
    ns = netns_factory(f"ig{os.getpid() % 100000}rel")
    work = tmp_path / "x"
    work.mkdir()
    name = f"ipip-rel-{os.getpid()}.conf"    # a unique name: before the fix it went to /
    conf = work / name
    conf.write_text("hostname before\n")
    r = ns.run(BGPD, "-f", name, "-S", "r.sock", "-P", "r.pid", cwd=work, check=False)
    assert r.returncode == 0, r.stderr
    pidfile, sock = work / "r.pid", str(work / "r.sock")
    assert wait_for(lambda: pidfile.exists() and pidfile.read_text().strip())
    pid = int(pidfile.read_text())
    try:
        assert wait_for(lambda: vtysh(sock, "show version").returncode == 0)
        j = vtysh_json(sock, "show daemon json")
        assert (j["configFile"], j["controlSocket"], j["pidFile"]) == \
            (str(conf), sock, str(pidfile)), j
        conf.write_text("hostname after\n")
        r = vtysh(sock, "reload")
        assert r.returncode == 0, r.stderr
        assert vtysh_json(sock, "show daemon json")["hostname"] == "after"
        r = vtysh(sock, "configure terminal", "hostname written", "do write memory")
        assert r.returncode == 0 and f"saved to {conf}" in r.stdout, r.stderr
        assert conf.read_text() == "hostname written\n"
        conf.unlink()
        r = vtysh(sock, "reload")
        assert r.returncode == 1
        assert f"cannot open {conf}: No such file or directory" in r.stderr, r.stderr
        assert "has errors" not in r.stderr
    finally:
        os.kill(pid, signal.SIGTERM)
        wait_for(lambda: not os.path.exists(f"/proc/{pid}"))
        if os.path.exists("/" + name):
            os.unlink("/" + name)
    assert not os.path.exists(sock) and not pidfile.exists(), "left behind at exit"


def frame(length, version=1, ftype=3, seq=1):
    return struct.pack("!IBBHI", length, version, 0, ftype, seq)


def read_frame(s):
    hdr = b""
    while len(hdr) < 12:
        chunk = s.recv(12 - len(hdr))
        if not chunk:
            return None
        hdr += chunk
    length, _, _, ftype, seq = struct.unpack("!IBBHI", hdr)
    body = b""
    while len(body) < length - 12:
        body += s.recv(length - 12 - len(body))
    return ftype, seq, body


def raw_client(sock):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(sock)
    return s


def test_malformed_frames_get_an_error_and_the_daemon_lives(daemon):
    for bad in (frame(3), frame(0xffffffff), frame(12, version=99), b"\x00" * 12):
        s = raw_client(daemon.sock)
        s.sendall(bad)
        ans = read_frame(s)
        assert ans is not None and ans[0] == 1, "expected CTL_ERROR"   # CTL_ERROR
        assert s.recv(1) == b"", "connection should be closed after a framing error"
        s.close()
    s = raw_client(daemon.sock)
    s.sendall(frame(12, ftype=999, seq=5))
    ftype, seq, body = read_frame(s)
    assert (ftype, seq) == (1, 5) and b"unknown request type 999" in body
    s.sendall(frame(12, ftype=3, seq=6))        # the same connection still works
    assert read_frame(s)[0] == 3
    s.close()
    assert vtysh(daemon.sock, "show version").returncode == 0
    assert daemon.stop() == 0
    daemon.assert_no_sanitizer_report()


def test_request_split_byte_by_byte_is_answered(daemon):
    s = raw_client(daemon.sock)
    for b in frame(12, ftype=4, seq=9):
        s.send(bytes([b]))
        time.sleep(0.002)
    ftype, seq, body = read_frame(s)
    assert (ftype, seq) == (4, 9) and len(body) > 0
    assert read_frame(s)[0] == 2            # CTL_END
    s.close()


def test_client_that_never_reads_does_not_block_others(daemon):
    s = raw_client(daemon.sock)
    s.setblocking(False)
    burst = frame(12, ftype=3) * 1000
    sent = 0
    start = time.monotonic()
    while sent < 120000 and time.monotonic() - start < 30:   # bounded: ~30 MB of answers
        try:
            s.send(burst)
            sent += 1000
        except BlockingIOError:
            time.sleep(0.01)
        except (BrokenPipeError, ConnectionResetError):
            break                                   # dropped by the daemon: expected
        if sent % 20000 == 0:
            t0 = time.monotonic()
            assert vtysh(daemon.sock, "show version").returncode == 0
            assert time.monotonic() - t0 < 5, "daemon blocked by a slow client"
    assert wait_for(lambda: "does not read its answers" in daemon.read_log(), 15)
    s.close()
    assert vtysh(daemon.sock, "show version").returncode == 0


def test_too_many_clients_are_refused_not_fatal(daemon):
    held = [raw_client(daemon.sock) for _ in range(70)]
    assert wait_for(lambda: "too many control connections" in daemon.read_log(), 5)
    for s in held:
        s.close()
    assert wait_for(lambda: vtysh(daemon.sock, "show version").returncode == 0)


def test_daemon_help_and_version():
    r = subprocess.run([BGPD, "--help"], capture_output=True, text=True)
    assert r.returncode == 0 and "-S, --socket" in r.stdout and "SIGHUP" in r.stdout
    r = subprocess.run([BGPD, "--bogus"], capture_output=True, text=True)
    assert r.returncode == 2
    r = subprocess.run([VTYSH, "--help"], capture_output=True, text=True)
    assert r.returncode == 0 and "-c, --command" in r.stdout
