/*
 * conf/grammar.c - the configuration grammar: one line per statement, FRR
 * spec -> YANG node. The order of the table is the order of
 * 'show running-config'. Help strings have one line per spec token.
 */
#include "conf/conf_int.h"

/* Entries leave out the fields they do not use (enter, flags, close). */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define NBR	(M(NEIGHBOR) | M(PEER_GROUP))
#define NBR_AF	(M(NEIGHBOR_AF) | M(PEER_GROUP_AF))

#define H_NAME		"Name (starts with a letter)\n"
#define H_ACTION	"Permit or deny on a match\n"
#define H_MODE		"always: tunnel | cross-subnet: tunnel unless on a connected subnet | never\n"
#define H_IN		"Routes received\n"
#define H_OUT		"Routes advertised\n"
#define LEVELS		"emergencies|alerts|critical|errors|warnings|notifications|informational|debugging"

const struct conf_cmd conf_cmds[] = {
	/* Daemon-wide */
	{ M(TOP), "hostname WORD", "Set the host name\nLetters, digits, '-', '.', '_'\n",
	    "ipip-bgpd:hostname", { "=$1" } },
	{ M(TOP), "log stdout|syslog [" LEVELS "]",
	    "Logging\nWhere: stdout (stderr when in the foreground) or syslog\nLeast severe level logged\n",
	    "ipip-bgpd:log", { "destination=$1", "level=$2" } },

	/* Policy objects come before what uses them */
	{ M(TOP), "ip prefix-list NAME seq (1-4294967295) permit|deny A.B.C.D/M [ge (0-32)] [le (0-32)]",
	    "IP\nPrefix-list\n" H_NAME "Sequence number\nSequence number\n" H_ACTION "Prefix\n"
	    "Minimum prefix length\nLength\nMaximum prefix length\nLength\n",
	    "ipip-bgpd:prefix-list[name='$2']/entry[seq='$4']",
	    { "action=$5", "prefix=$6", "ge=$8", "le=$10" } },
	{ M(TOP), "ip prefix-list NAME", "IP\nPrefix-list\n" H_NAME,
	    "ipip-bgpd:prefix-list[name='$2']", { 0 }, 0, CONF_NO_ONLY },
	{ M(TOP), "bgp community-list standard NAME seq (1-4294967295) permit|deny WORD",
	    "BGP\nCommunity-list\nStandard: lists communities\n" H_NAME "Sequence number\nSequence number\n"
	    H_ACTION "AA:NN, no-export, no-advertise, local-AS, internet\n",
	    "ipip-bgpd:community-list[name='$3']/entry[seq='$5']", { "action=$6", "community=$7" } },
	{ M(TOP), "bgp community-list standard NAME", "BGP\nCommunity-list\nStandard\n" H_NAME,
	    "ipip-bgpd:community-list[name='$3']", { 0 }, 0, CONF_NO_ONLY },
	{ M(TOP), "route-map NAME permit|deny (1-65535)",
	    "Route-map: match conditions and set changes\n" H_NAME H_ACTION "Sequence number\n",
	    "ipip-bgpd:route-map[name='$1']/entry[seq='$3']", { "action=$2" },
	    CONF_MODE_ROUTE_MAP, 0, "exit" },
	{ M(TOP), "route-map NAME", "Route-map\n" H_NAME,
	    "ipip-bgpd:route-map[name='$1']", { 0 }, 0, CONF_NO_ONLY },
	{ M(ROUTE_MAP), "match ip address prefix-list NAME",
	    "Match condition\nIP\nAddress of the route\nPermitted by a prefix-list\n" H_NAME,
	    "match/prefix-list", { "=$4" } },
	{ M(ROUTE_MAP), "match community NAME", "Match condition\nCarries a community of a community-list\n" H_NAME,
	    "match/community-list", { "=$2" } },
	{ M(ROUTE_MAP), "match as-path length (0-1024)",
	    "Match condition\nAS_PATH\nAt most this many ASes\nLength\n", "match/as-path-length", { "=$3" } },
	{ M(ROUTE_MAP), "set local-preference (0-4294967295)", "Change the route\nLOCAL_PREF\nValue\n",
	    "set/local-preference", { "=$2" } },
	{ M(ROUTE_MAP), "set metric (0-4294967295)", "Change the route\nMED\nValue\n",
	    "set/metric", { "=$2" } },
	{ M(ROUTE_MAP), "set community LINE", "Change the route\nCommunities\nAA:NN... (replaces all)\n",
	    "set/community", { "=$2" }, 0, CONF_WORDS },
	{ M(ROUTE_MAP), "set ip next-hop A.B.C.D", "Change the route\nIP\nNEXT_HOP\nAddress\n",
	    "set/ip-next-hop", { "=$3" } },

	/* BGP */
	{ M(TOP), "router bgp (1-4294967295)", "Routing process\nBGP\nOur AS number\n",
	    "ipip-bgpd:bgp", { "asn=$2" }, CONF_MODE_ROUTER, 0, "exit" },
	{ M(ROUTER), "bgp router-id A.B.C.D", "BGP\nBGP identifier\nAddress\n", "router-id", { "=$2" } },
	{ M(ROUTER), "bgp cluster-id A.B.C.D", "BGP\nRoute reflector cluster id\nAddress\n",
	    "cluster-id", { "=$2" } },
	{ M(ROUTER), "bgp listen-address A.B.C.D", "BGP\nAddress to listen on\nAddress\n",
	    "listen-address", { "=$2" } },
	{ M(ROUTER), "bgp listen-port (0-65535)", "BGP\nTCP port to listen on\nPort; 0: only connect out\n",
	    "listen-port", { "=$2" } },
	{ M(ROUTER), "bgp ebgp-requires-policy",
	    "BGP\nRFC 8212: eBGP neighbors need an in and an out policy\n",
	    "ebgp-requires-policy", { 0 }, 0, CONF_NEGATED },
	{ M(ROUTER), "bgp always-compare-med", "BGP\nCompare MED between ASes\n",
	    "bestpath/always-compare-med", { 0 } },
	{ M(ROUTER), "bgp bestpath as-path ignore", "BGP\nBest path\nAS_PATH\nSkip its length\n",
	    "bestpath/as-path-ignore", { 0 } },
	{ M(ROUTER), "bgp bestpath as-path multipath-relax", "BGP\nBest path\nAS_PATH\nMultipath across ASes\n",
	    "bestpath/as-path-multipath-relax", { 0 } },
	{ M(ROUTER), "bgp bestpath compare-routerid", "BGP\nBest path\nTie-break on router-id\n",
	    "bestpath/compare-routerid", { 0 } },
	{ M(ROUTER), "bgp bestpath med missing-as-worst", "BGP\nBest path\nMED\nMissing MED is worst\n",
	    "bestpath/med-missing-as-worst", { 0 } },
	{ M(ROUTER), "timers bgp (0-21845) (0-65535)", "Timers\nBGP\nKeepalive seconds\nHold time seconds (0 or 3-65535)\n",
	    "timers", { "keepalive=$2", "hold=$3" } },
	{ M(ROUTER), "neighbor NAME", "Neighbor or peer-group\nPeer-group name\n",
	    "peer-group[name='$1']", { 0 }, CONF_MODE_PEER_GROUP, CONF_INLINE },
	{ M(ROUTER), "neighbor A.B.C.D", "Neighbor or peer-group\nNeighbor address\n",
	    "neighbor[address='$1']", { 0 }, CONF_MODE_NEIGHBOR, CONF_INLINE },
	{ M(PEER_GROUP), "peer-group", "Create this peer-group\n", "", { 0 } },
	{ M(NEIGHBOR), "peer-group NAME", "Member of a peer-group\n" H_NAME, "peer-group", { "=$1" } },
	{ NBR, "remote-as (1-4294967295)", "Its AS number\nAS number\n", "remote-as", { "=$1" } },
	{ NBR, "local-as (1-4294967295)", "AS we claim towards it\nAS number\n", "local-as", { "=$1" } },
	{ NBR, "description LINE", "Free text\nText\n", "description", { "=$1" } },
	{ NBR, "update-source A.B.C.D", "Local address of the session\nAddress\n", "update-source", { "=$1" } },
	{ NBR, "passive", "Wait for it to connect\n", "passive", { 0 } },
	{ NBR, "password WORD", "TCP MD5 key (RFC 2385)\nKey\n", "password", { "=$1" } },
	{ NBR, "ttl-security hops (1-254)", "GTSM (RFC 5082)\nHops away at most\nHops\n",
	    "ttl-security-hops", { "=$2" } },
	{ NBR, "timers (0-21845) (0-65535)", "Timers\nKeepalive seconds\nHold time seconds (0 or 3-65535)\n",
	    "timers", { "keepalive=$1", "hold=$2" } },
	{ NBR, "timers connect (1-65535)", "Timers\nConnect retry\nSeconds\n", "connect-retry", { "=$2" } },
	{ NBR, "port (1-65535)", "Its TCP port\nPort\n", "port", { "=$1" } },
	{ NBR, "shutdown [message LINE]", "Keep the session down\nShutdown communication (RFC 8203)\nText\n",
	    "shutdown", { "message=$2" } },
	{ M(ROUTER), "address-family ipv4 unicast", "Address family\nIPv4\nUnicast\n",
	    "", { 0 }, CONF_MODE_AF, CONF_IF_FILLED, "exit-address-family" },

	/* address-family ipv4 unicast */
	{ M(AF), "network A.B.C.D/M [route-map NAME]", "Announce a prefix\nPrefix\nRoute-map\n" H_NAME,
	    "network[prefix='$1']", { "route-map=$3" } },
	{ M(AF), "redistribute connected|static|kernel [route-map NAME]",
	    "Announce routes of another source\nSource\nRoute-map\n" H_NAME,
	    "redistribute[protocol='$1']", { "route-map=$3" } },
	{ M(AF), "maximum-paths (1-64)", "ECMP paths\neBGP paths\n", "maximum-paths/ebgp", { "=$1" } },
	{ M(AF), "maximum-paths ibgp (1-64)", "ECMP paths\niBGP\niBGP paths\n", "maximum-paths/ibgp", { "=$2" } },
	{ M(AF), "neighbor NAME", "Neighbor or peer-group\nPeer-group name\n",
	    "peer-group[name='$1']", { 0 }, CONF_MODE_PEER_GROUP_AF, CONF_INLINE },
	{ M(AF), "neighbor A.B.C.D", "Neighbor or peer-group\nNeighbor address\n",
	    "neighbor[address='$1']", { 0 }, CONF_MODE_NEIGHBOR_AF, CONF_INLINE },
	{ NBR_AF, "route-reflector-client", "Reflect iBGP routes to it (RFC 4456)\n",
	    "ipv4-unicast/route-reflector-client", { 0 } },
	{ NBR_AF, "next-hop-self", "Advertise ourselves as next hop\n", "ipv4-unicast/next-hop-self", { 0 } },
	{ NBR_AF, "allowas-in (1-10)", "Accept our AS in AS_PATH\nTimes\n", "ipv4-unicast/allowas-in", { "=$1" } },
	{ NBR_AF, "maximum-prefix (1-4294967295) [restart (1-65535)]",
	    "Limit the prefixes accepted\nPrefixes\nReconnect after\nMinutes\n",
	    "ipv4-unicast/maximum-prefix", { "limit=$1", "restart=$3" } },
	{ NBR_AF, "addpath-tx-all-paths", "Advertise all paths (RFC 7911)\n",
	    "ipv4-unicast/addpath-tx-all-paths", { 0 } },
	{ NBR_AF, "addpath-rx", "Accept several paths (RFC 7911)\n", "ipv4-unicast/addpath-rx", { 0 } },
	{ NBR_AF, "route-map NAME in", "Route-map\n" H_NAME H_IN, "ipv4-unicast/route-map-in", { "=$1" } },
	{ NBR_AF, "route-map NAME out", "Route-map\n" H_NAME H_OUT, "ipv4-unicast/route-map-out", { "=$1" } },
	{ NBR_AF, "prefix-list NAME in", "Prefix-list\n" H_NAME H_IN, "ipv4-unicast/prefix-list-in", { "=$1" } },
	{ NBR_AF, "prefix-list NAME out", "Prefix-list\n" H_NAME H_OUT, "ipv4-unicast/prefix-list-out", { "=$1" } },

	/* Overlay */
	{ M(TOP), "overlay", "IPIP overlay: how learned prefixes are installed\n",
	    "ipip-bgpd:overlay", { 0 }, CONF_MODE_OVERLAY, CONF_IF_FILLED, "exit" },
	{ M(OVERLAY), "mode always|cross-subnet|never", "Default mode\n" H_MODE, "mode", { "=$1" } },
	{ M(OVERLAY), "tunnel-style nbma|point-to-point",
	    "Tunnel devices\nnbma: one device, routes name the endpoint | point-to-point: one per endpoint\n",
	    "tunnel-style", { "=$1" } },
	{ M(OVERLAY), "driver auto|kernel|userspace", "Data plane\nauto | kernel ipip | TUN in user space\n",
	    "driver", { "=$1" } },
	{ M(OVERLAY), "mtu (68-65515)", "Tunnel MTU\nBytes\n", "mtu", { "=$1" } },
	{ M(OVERLAY), "ecmp-hash layer3|layer4", "Multipath hash\nAddresses | addresses and ports\n",
	    "ecmp-hash", { "=$1" } },
	{ M(OVERLAY), "firewall none|nftables", "Firewall rules for IP protocol 4\nnone | an nftables table\n",
	    "firewall", { "=$1" } },
	{ M(OVERLAY), "route-protocol (5-254)", "rtm_protocol of our routes\nNumber\n",
	    "route-protocol", { "=$1" } },
	{ M(OVERLAY), "table (1-4294967295)", "Kernel routing table\nTable id\n", "table", { "=$1" } },
	{ M(OVERLAY), "neighbor A.B.C.D mode always|cross-subnet|never",
	    "Per-neighbor override\nNeighbor address\nMode\n" H_MODE,
	    "neighbor[address='$1']", { "mode=$3" } },
	{ M(OVERLAY), "prefix-list NAME mode always|cross-subnet|never",
	    "Per-prefix-list override\n" H_NAME "Mode\n" H_MODE,
	    "prefix-list[name='$1']", { "mode=$3" } },
};
const size_t conf_ncmds = sizeof(conf_cmds) / sizeof(conf_cmds[0]);
