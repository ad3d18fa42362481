dist_man_MANS += doc/ipip-bgpd.8 doc/ipip-vtysh.8
