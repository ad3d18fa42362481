# tunnel/: ipip devices and the user-space dataplane (issue 6). Depends on lib/ only.
TUNNEL_LIBS =
