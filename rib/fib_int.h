/*
 * rib/fib_int.h - what rib/fib.c (objects, API, flush job), rib/fib_kernel.c
 * (netlink writes and ACKs) and rib/fib_sync.c (reconcile, monitor) share.
 * Not a public header: nothing outside rib/fib*.c includes it.
 *
 * Every object (nexthop, group, route) is desired state plus what we know
 * the kernel holds. It sits on at most one list: dirty (the flush job looks
 * at it), del (nexthops/groups to delete after the routes), stale (adopted
 * from the kernel at start, not wanted yet), retry (failed; backoff).
 * The flush job compares want with kernel state and sends what differs.
 *
 * Objects are named by 32-bit handles, not pointers, where a route holds the
 * name (a route is one per prefix, so every byte counts): a route by its
 * index in f->route_slab, a nexthop or group by FIB_H_ID | its slot in
 * f->slots (a slab of pointers: an array lookup, no hash). The lists hold
 * objects of every kind by handle (struct fib_queue: rings of handles), so
 * the mixed stale and retry lists stay one list each; a route names its
 * wanted and installed group by slot (fib_grp_at).
 *
 * Messages are sent by lib/nl's writer thread, so an ACK may come turns
 * after its message was built. An object has at most one message in flight
 * (pending): the flush job passes over a pending object and marks it redo,
 * as fib_obj_dirty() does, and its ACK queues it again. What the ACK records
 * as the kernel's (a route's group, signature, MTU) is read from want, so
 * want must not change under a message in flight: fib_route_set/del settle
 * first (fib_kernel_settle: wait for every ACK) when they would change a
 * route that is pending, and so does fib_nh_down with inline next hops (a
 * group's content is then its routes'). With nexthop objects fib_nh_down's
 * group replace goes out at once from the loop's thread (urgent), ahead of
 * the routes queued for the writer: it names only nexthops the kernel has.
 */
#ifndef IPIP_RIB_FIB_INT_H
#define IPIP_RIB_FIB_INT_H

#include "lib/hmap.h"
#include "lib/nl.h"
#include "lib/ihash.h"
#include "lib/slab.h"
#include "rib/fib.h"

enum fib_kind { FIB_K_NH, FIB_K_GRP, FIB_K_ROUTE, FIB_K_COUNT };
enum fib_list { FIB_L_NONE, FIB_L_DIRTY, FIB_L_DEL, FIB_L_STALE, FIB_L_RETRY, FIB_L_WAIT };
enum fib_op { FIB_OP_NONE, FIB_OP_WRITE, FIB_OP_DEL };

/* A handle with this bit names f->slots' slot (nexthop, group); without it a
 * route (f->route_slab's index). 0 names nothing. */
#define FIB_H_ID	0x80000000u

struct fib_obj {
	uint8_t			 kind:2;	/* enum fib_kind */
	uint8_t			 list:3;	/* enum fib_list */
	uint8_t			 pending:2;	/* enum fib_op */
	bool			 in_kernel:1;	/* ours, in the kernel */
	bool			 kdirty:1;	/* kernel content differs from want */
	bool			 stale:1;	/* adopted, not wanted since */
	bool			 logged:1;	/* failure already logged */
	bool			 seen:1;	/* reconcile: found in this dump */
	bool			 maybe_in:1;	/* counted out on a link-down that may
						 * predate our write: REPLACE, not EXCL */
	bool			 redo:1;	/* dirtied while its message was in flight:
						 * looked at again once the ACK is in */
	bool			 qmark:1;	/* fib_queue_compact: entry kept */
	/* Routes only, kept here where padding would be (struct fib_route is
	 * one per prefix): the prefix length and the route MTUs. */
	uint8_t			 r_plen;	/* 0..32 */
	uint16_t		 r_mtu, r_k_mtu;	/* IPv4 route MTUs fit (the kernel caps
						 * at 65520); wanted, in the kernel */
};

/*
 * A list of objects (any kind), FIFO: a ring of their handles, so an object
 * carries no links (a route is one per prefix). An object says which list
 * it is on (o.list, and for FIB_L_WAIT its group); leaving a list only
 * counts it out (live), and its entry, dead now, is skipped when it comes
 * to the head. An object that leaves and comes back before that has two
 * entries: the first to come up serves, the other is dead by then or
 * serves again harmlessly (FIFO order is a courtesy, not a contract). The
 * ring is compacted (dead and duplicate entries dropped) before it grows
 * past twice its live count, and given back when the list empties.
 */
struct fib_queue {
	uint32_t		*h;		/* handles; NULL: none yet */
	uint32_t		 cap, head, len;	/* ring (cap a power of 2), entries */
	uint32_t		 live;		/* objects on this list */
};

/* Nexthops and groups: by key, by kernel id, reference count (groups/routes using it). */
struct fib_idobj {
	struct fib_obj		 o;
	struct hmap_node	 hn;		/* f->nhs or f->grps, by key */
	struct hmap_node	 idn;
	uint32_t		 id, refcnt;
	uint32_t		 slot;		/* in f->slots: its handle without FIB_H_ID */
};

struct fib_nhobj {
	struct fib_idobj	 h;
	struct fib_nh		 key;		/* weight unused */
};

struct fib_member {
	struct fib_nhobj	*nh;		/* reference held */
	uint16_t		 weight;
};

struct fib_grp {
	struct fib_idobj	 h;
	struct fib_queue	 wait;		/* routes that want it and wait for it to
						 * be in the kernel (FIB_L_WAIT) */
	uint32_t		 nroutes;	/* routes that want it (show ip nexthop-group) */
	bool			 mark;		/* picked for one walk of the routes
						 * (fib_routes_of_marked) */
	size_t			 n;
	struct fib_member	 m[];		/* canonical order (fib_nh_cmp) */
};

/*
 * 28 bytes, one per prefix, so kept packed: from f->route_slab, named by
 * index there (its handle), linked by index into f->routes (lib/ihash.h),
 * on at most one of the FIB's lists (dirty, retry, ..., or its wanted
 * group's wait list: rings of handles, struct fib_queue); it names its
 * groups by slot, which count their routes but do not list them. The prefix is o.r_plen and addr
 * (fib_route_pfx), the MTUs o.r_mtu, o.r_k_mtu. Its own index is not
 * stored: fib_route_idx finds it in f->routes (one bucket, as a lookup),
 * or in a one-route hint that lookups by prefix leave behind.
 *
 * What the kernel's route names is one 32-bit field, by mode. With nexthop
 * objects, k_grp: the group whose id it names (so it is in sync when k_grp
 * == grp); 0 when it names none or an id that is not one of our groups. A
 * group's id changes only after EEXIST on an NLM_F_EXCL write, i.e. for a
 * group never counted in the kernel, which no route holds as k_grp (the
 * ACK of a route naming it would have needed it in the kernel; a group
 * counted out takes its holders out first, fib_mon_grp_gone). With inline
 * next hops, k_sig: fib_hops_sig of the hops it carries, 0: none.
 *
 * word: the caller's 32 bits for this prefix (fib.h, "The caller's word"),
 * 0: none. A route with a word is kept while nothing is wanted in the
 * kernel (fib_obj_release), so the caller needs no table of its own.
 */
struct fib_route {
	struct fib_obj		 o;
	uint32_t		 addr;		/* the prefix, host order */
	uint32_t		 next;		/* f->routes' link */
	uint32_t		 grp;		/* wanted (slot; reference held), 0: delete */
	union {
		uint32_t	 k_grp;		/* nexthop objects: in the kernel (slot;
						 * reference held), 0: none or not ours */
		uint32_t	 k_sig;		/* inline next hops: what the kernel has */
	};
	uint32_t		 word;		/* the caller's; never read by the fib */
};

_Static_assert(sizeof(struct fib_obj) == 8, "fib_obj: the route fields must fill padding");
_Static_assert(sizeof(struct fib_route) == 28, "fib_route: one per prefix, keep it packed");

/*
 * In the kernel and staying there: what another object may name. One whose
 * delete is in flight is not (a group or route naming it would be refused),
 * even when wanted again meanwhile: its ACK queues it to be written anew.
 */
static inline bool
fib_obj_usable(const struct fib_obj *o)
{
	return o->in_kernel && o->pending != FIB_OP_DEL;
}

static inline struct prefix
fib_route_pfx(const struct fib_route *r)
{
	return (struct prefix){ r->addr, r->o.r_plen };
}

struct fib {
	struct fib_opts		 opts;
	struct event_base	*base;
	struct nl		*nl, *mon;
	struct event		*flush_ev, *retry_ev, *resync_ev;
	struct hmap		 nhs, grps, ids;
	struct slab		 route_slab;	/* every struct fib_route */
	struct ihash		 routes;	/* of route_slab, by prefix */
	struct slab		 slots;		/* struct fib_idobj *: every nexthop, group */
	const struct fib_route	*hint_r;	/* fib_route_idx: a route and its index */
	uint32_t		 hint_idx;
	struct fib_queue	 dirty[FIB_K_COUNT], del[FIB_K_COUNT], stale, retry;
	uint32_t		 next_id;
	unsigned		 retry_ms;
	bool			 settled, nexthops;
	bool			 grps_gone;	/* groups marked by the monitor: routes to count out */
	bool			 urgent;	/* fib_kernel_flush sends ahead of the queue */
	bool			 resync_link;	/* resync_ev: for a link down (inline), not ENOBUFS */
	bool			 compat_set;	/* we set nexthop_compat_mode 1 -> 0: back at stop */
	struct fib_stats	 st;
};

#define FIB_CHUNK	4096	/* objects per flush turn (STYLE 7) */
#define FIB_QUEUE_KEEP	1024	/* a list's ring entries kept when it empties */
#define FIB_BATCH_THREAD (64u * 1024)	/* bytes per sendmsg with the writer thread */
#define FIB_RETRY_MIN_MS 100
#define FIB_RETRY_MAX_MS 30000

static inline struct fib_route *
fib_route_at(const struct fib *f, uint32_t idx)
{
	return idx != 0 ? slab_at(&f->route_slab, idx) : NULL;
}

/* The nexthop or group in slot i, NULL for 0. */
static inline struct fib_idobj *
fib_idobj_at(const struct fib *f, uint32_t slot)
{
	return slot != 0 ? *(struct fib_idobj **)slab_at(&f->slots, slot) : NULL;
}

/* A route's group (r->grp; r->k_grp with nexthop objects), NULL for 0. */
static inline struct fib_grp *
fib_grp_at(const struct fib *f, uint32_t slot)
{
	return (struct fib_grp *)fib_idobj_at(f, slot);
}

/* The group (nexthop) of a node of f->grps (f->nhs), NULL for NULL. */
static inline struct fib_grp *
fib_grp_of(const struct hmap_node *x)
{
	return x != NULL ? (struct fib_grp *)((char *)x - offsetof(struct fib_grp, h.hn)) : NULL;
}

static inline struct fib_nhobj *
fib_nhobj_of(const struct hmap_node *x)
{
	return x != NULL ? (struct fib_nhobj *)((char *)x - offsetof(struct fib_nhobj, h.hn)) : NULL;
}

/* Every group, in no order: from fib_grp_next(f, NULL) on. Add or free none
 * while walking. */
static inline struct fib_grp *
fib_grp_next(const struct fib *f, const struct fib_grp *g)
{
	return fib_grp_of(hmap_next(&f->grps, g != NULL ? &g->h.hn : NULL));
}

static inline uint32_t
fib_grp_slot(const struct fib_grp *g)
{
	return g != NULL ? g->h.slot : 0;
}

static inline struct fib_obj *
fib_obj_at(const struct fib *f, uint32_t h)
{
	if (h & FIB_H_ID)
		return &fib_idobj_at(f, h & ~FIB_H_ID)->o;
	return h != 0 ? &fib_route_at(f, h)->o : NULL;
}

/* The object at the list's head (its dead entries dropped), NULL: empty. */
struct fib_obj *fib_queue_first(struct fib *, struct fib_queue *);

static inline bool
fib_queue_empty(const struct fib_queue *q)
{
	return q->live == 0;
}

/* fn for every route whose wanted (by_kernel: the kernel's) group is
 * marked, then the marks cleared; how many times fn said true. One walk of
 * all routes for a rare event (groups gone from the kernel, a next hop or
 * link down with inline next hops): groups count their routes but keep no
 * list of them, which would cost 8 bytes a prefix. */
typedef bool fib_marked_fn(struct fib *, struct fib_route *);
size_t	fib_routes_of_marked(struct fib *, bool by_kernel, fib_marked_fn *);

/* fib.c: objects and lists */
void	fib_obj_queue(struct fib *, struct fib_obj *, enum fib_list);
void	fib_obj_dirty(struct fib *, struct fib_obj *);
void	fib_obj_release(struct fib *, struct fib_obj *);
bool	fib_obj_wanted(const struct fib_obj *);
bool	fib_obj_needs_write(const struct fib *, const struct fib_obj *);
int	fib_nh_cmp(const void *, const void *);	/* gateway, ifindex, onlink */
struct fib_idobj *fib_id_find(const struct fib *, uint32_t id);
void	fib_id_assign(struct fib *, struct fib_idobj *, uint32_t id);
/* Adopted objects (from a dump): in the kernel, stale until wanted. */
struct fib_nhobj *fib_nhobj_adopt(struct fib *, const struct fib_nh *, uint32_t id);
struct fib_grp *fib_grp_adopt(struct fib *, const struct fib_nh *, size_t n, uint32_t id);
struct fib_route *fib_route_adopt(struct fib *, const struct prefix *);
void	fib_nhobj_put(struct fib *, struct fib_nhobj *);
void	fib_grp_ref(struct fib *, struct fib_grp *);
void	fib_grp_put(struct fib *, struct fib_grp *);
struct fib_route *fib_route_find(struct fib *, const struct prefix *);
struct fib_grp *fib_route_kgrp(const struct fib *, const struct fib_route *);
bool	fib_route_k_is_grp(const struct fib *, const struct fib_route *);
uint32_t fib_grp_hops_sig(const struct fib_grp *);
bool	fib_grp_has_nh(const struct fib_grp *, const struct fib_nhobj *);
void	fib_schedule(struct fib *);
void	fib_retry_arm(struct fib *);
void	fib_retry_now(struct fib *);

/* fib_kernel.c: writes and ACKs */
void	fib_kernel_write(struct fib *, struct fib_obj *);
void	fib_kernel_del(struct fib *, struct fib_obj *);
void	fib_kernel_flush(struct fib *);
void	fib_kernel_settle(struct fib *);
void	fib_kernel_purge(struct fib *);
const char *fib_obj_name(const struct fib_obj *, char *buf, size_t n);
void	fib_route_now_out(struct fib *, struct fib_route *);
void	fib_nh_groups_dirty(struct fib *, struct fib_nhobj *);
void	fib_grp_wake(struct fib *, struct fib_grp *);
nl_ack_fn fib_on_ack;

/* fib_sync.c: sockets, reconcile, monitor */
int	fib_kernel_open(struct fib *);
void	fib_kernel_close(struct fib *);
int	fib_kernel_reconcile(struct fib *);
uint32_t fib_hops_sig(const struct fib_nh *, size_t n);
void	fib_refs_lost(struct fib *, struct fib_obj *);
void	fib_grps_gone_walk(struct fib *);

#endif
