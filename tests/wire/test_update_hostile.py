"""A hostile BGP peer written by hand (raw TCP, OPEN/KEEPALIVE/UPDATE bytes
built here) sends malformed UPDATEs; each case checks the RFC 7606 / RFC 4271
outcome as an operator sees it: the session state and counters in `show bgp
neighbors json`, the prefix in `show bgp ipv4 unicast json`, and whether a
NOTIFICATION came back."""
import pytest

import bgpwire
from bgpwire import Speaker, attr, msg, netns_socket, open_msg
from bgplab import link_fixture
from netns_conftest import vtysh, vtysh_json, wait_for

OUR_AS, PEER_AS = 65001, 65002
PFX = "192.0.2.0/24"


def update(attrs=b"", nlri=(PFX,), withdrawn=b"", attr_len=None):
    return bgpwire.update(attrs, nlri=nlri, withdrawn=withdrawn, attr_len=attr_len)


def good_attrs(origin=0, path=(PEER_AS,), nh=None):
    return bgpwire.good_attrs(PEER_AS, nh, origin=origin, path=path)


link = link_fixture("rd", "10.0.11")


@pytest.fixture
def peer(tmp_path, link, daemon_factory):
    """ipip-bgpd in A with B as a passive eBGP neighbor; B is us, Established."""
    conf = tmp_path / "bgpd.conf"
    conf.write_text(f"router bgp {OUR_AS}\n bgp router-id {link.addr_a}\n no bgp ebgp-requires-policy\n"
                    f" neighbor {link.addr_b} remote-as {PEER_AS}\n"
                    f" neighbor {link.addr_b} passive\n")
    d = daemon_factory(config=conf, netns=link.a).start()
    s = netns_socket(link.b)
    s.bind((link.addr_b, 0))
    assert wait_for(lambda: s.connect_ex((link.addr_a, 179)) == 0, 10)
    sp = Speaker(s)
    sp.send(open_msg(PEER_AS, link.addr_b))
    assert sp.read(5)[0] == 1, "no OPEN from the daemon"
    sp.send(msg(4))
    assert sp.read(5)[0] == 4, "no KEEPALIVE from the daemon"
    assert wait_for(lambda: neighbor(d, link.addr_b)["bgpState"] == "Established", 5)
    sp.d, sp.nh = d, link.addr_b
    yield sp
    s.close()
    d.stop()
    d.assert_no_sanitizer_report()


def neighbor(d, addr):
    return vtysh_json(d.sock, f"show bgp neighbors {addr} json")[addr]


def routes(d):
    return vtysh_json(d.sock, "show bgp ipv4 unicast json")["routes"]


def learn_first(p):
    p.send(update(good_attrs(nh=p.nh)))
    assert wait_for(lambda: PFX in routes(p.d), 5), p.d.read_log()


def assert_refused_and_up(p, counter):
    assert p.notification(within=1.5) is None
    assert wait_for(lambda: PFX not in routes(p.d), 5)
    n = neighbor(p.d, p.nh)
    assert n["bgpState"] == "Established"
    assert n["updateErrors"][counter] == 1, n["updateErrors"]
    assert n["addressFamilyInfo"]["ipv4Unicast"]["acceptedPrefixCounter"] == 0


def test_bad_origin_withdraws_the_prefix_and_keeps_the_session(peer):
    learn_first(peer)
    peer.send(update(good_attrs(origin=3, nh=peer.nh)))       # RFC 7606 7.1
    assert_refused_and_up(peer, "treatAsWithdraw")
    text = vtysh(peer.d.sock, f"show bgp neighbors {peer.nh}").stdout
    assert "0 accepted prefixes" in text and "UPDATEs treated as withdraw (RFC 7606): 1" in text


def test_attribute_overrunning_the_attribute_block_is_treat_as_withdraw(peer):
    learn_first(peer)
    a = good_attrs(nh=peer.nh) + bytes([0xc0, 8, 8, 0, 0, 0, 1])  # COMMUNITIES says 8, has 4
    peer.send(update(a))                                         # RFC 7606 4
    assert_refused_and_up(peer, "treatAsWithdraw")


def test_attribute_length_past_the_message_resets_with_3_1(peer):
    learn_first(peer)
    a = good_attrs(nh=peer.nh)
    peer.send(update(a, nlri=(), attr_len=len(a) + 40))        # RFC 4271 6.3
    assert peer.notification(within=3) == (3, 1)
    n = neighbor(peer.d, peer.nh)
    assert n["bgpState"] != "Established"
    assert n["lastErrorCodeSubcode"] == "0301" and n["lastNotificationSent"] is True
    assert wait_for(lambda: PFX not in routes(peer.d), 5)
    assert n["notificationsSentByCode"] == {"3/1": 1}, n["notificationsSentByCode"]
    assert n["notificationsRecvByCode"] == {}
    assert n["updateErrors"]["sessionResets"] == 1 and n["connectionsReset"] == 1, n
    st = vtysh_json(peer.d.sock, "show bgp statistics json")
    assert st["peers"][peer.nh]["notificationsSent"] == 1, st
    assert st["ipv4Unicast"]["updateSessionResets"] == 1 and st["ipv4Unicast"]["totalPrefixes"] == 0, st


def test_malformed_optional_attributes_are_discarded_and_counted(peer):
    """ATOMIC_AGGREGATE with a byte and a 5-byte AGGREGATOR: both dropped
    (RFC 7606 7.6, 7.7), the route stays; the counters say so per neighbor
    and in `show bgp statistics`."""
    a = good_attrs(nh=peer.nh) + attr(0x40, 6, b"\x00") + attr(0xc0, 7, b"\x00" * 5)
    peer.send(update(a))
    assert peer.notification(within=1.5) is None
    assert wait_for(lambda: PFX in routes(peer.d), 5), peer.d.read_log()
    n = neighbor(peer.d, peer.nh)
    assert n["bgpState"] == "Established"
    assert n["updateErrors"]["attributeDiscard"] == 1, n["updateErrors"]
    assert n["updateErrors"]["attributesDiscarded"] == 2, n["updateErrors"]
    text = vtysh(peer.d.sock, f"show bgp neighbors {peer.nh}").stdout
    assert "Attributes discarded (RFC 7606): 2" in text, text
    st = vtysh_json(peer.d.sock, "show bgp statistics json")
    t = st["ipv4Unicast"]
    assert t["totalPrefixes"] == 1 and t["totalPaths"] == 1 and t["attributeSets"] >= 1, t
    assert t["attributesDiscarded"] == 2 and t["peersEstablished"] == 1, t
    assert st["peers"][peer.nh]["attributesDiscarded"] == 2, st
    text = vtysh(peer.d.sock, "show bgp statistics").stdout
    assert "Prefixes 1, paths 1" in text and peer.nh in text, text


def test_as_path_with_our_asn_is_ignored(peer):
    learn_first(peer)
    peer.send(update(good_attrs(path=(PEER_AS, OUR_AS), nh=peer.nh)))
    assert_refused_and_up(peer, "asPathLoop")


def test_ebgp_first_as_not_the_peers_is_treat_as_withdraw(peer):
    learn_first(peer)
    peer.send(update(good_attrs(path=(65003,), nh=peer.nh)))
    assert_refused_and_up(peer, "firstAsMismatch")
    assert peer.d.read_log().count("first-as-mismatch") == 1
