/*
 * tests/unit/test_tunnel_bpf.c - the bpf driver's embedded object, read by
 * libbpf without a kernel (nothing is loaded): it has the two tc programs
 * the driver attaches and the raw socket's filter, and every map the driver writes has the key and
 * value sizes of tunnel/bpf/ipip_bpf.h - the C compiler and clang -target
 * bpf agree on the layout, so daemon and programs read the same bytes.
 */
#include <bpf/libbpf.h>
#include <string.h>

#include "tunnel/bpf/ipip_bpf.h"
#include "tests/unit/unit.h"

extern const unsigned char ipip_bpf_obj[];
extern const size_t ipip_bpf_obj_len;

static struct bpf_object *
obj_open(void)
{
	struct bpf_object *o = bpf_object__open_mem(ipip_bpf_obj, ipip_bpf_obj_len, NULL);

	ck_assert_ptr_nonnull(o);
	return o;
}

START_TEST(object_has_the_tc_programs_and_the_slow_path_filter)
{
	struct bpf_object *o = obj_open();
	static const struct { const char *name; enum bpf_prog_type type; } want[] = {
		{ "ipip_encap", BPF_PROG_TYPE_SCHED_CLS },
		{ "ipip_decap", BPF_PROG_TYPE_SCHED_CLS },
		{ "ipip_slow", BPF_PROG_TYPE_SOCKET_FILTER },
	};

	for (size_t i = 0; i < UNIT_COUNT(want); i++) {
		struct bpf_program *p = bpf_object__find_program_by_name(o, want[i].name);

		ck_assert_msg(p != NULL, "%s missing", want[i].name);
		ck_assert_int_eq(bpf_program__type(p), want[i].type);
	}
	bpf_object__close(o);
}
END_TEST

struct map_want {
	const char		*name;
	enum bpf_map_type	 type;
	unsigned		 key, value, max;
};

START_TEST(maps_have_the_layout_the_driver_writes)
{
	static const struct map_want want[] = {
		{ "ipip_encap_map", BPF_MAP_TYPE_HASH, 4, sizeof(struct ipip_bpf_encap), IPIP_BPF_TUN_MAX },
		{ "ipip_decap_map", BPF_MAP_TYPE_HASH, sizeof(struct ipip_bpf_key), 4, IPIP_BPF_TUN_MAX },
		{ "ipip_local_map", BPF_MAP_TYPE_HASH, 4, 4, IPIP_BPF_TUN_MAX },
		{ "ipip_stats_map", BPF_MAP_TYPE_PERCPU_HASH, 4, sizeof(struct ipip_bpf_stats),
		  IPIP_BPF_TUN_MAX },
		{ "ipip_drops_map", BPF_MAP_TYPE_PERCPU_ARRAY, 4, sizeof(struct ipip_bpf_drops), 1 },
		{ "ipip_pmtu_map", BPF_MAP_TYPE_HASH, 4, 4, IPIP_BPF_TUN_MAX },
	};
	struct bpf_object *o = obj_open();

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct bpf_map *m = bpf_object__find_map_by_name(o, want[i].name);

		ck_assert_msg(m != NULL, "%s missing", want[i].name);
		ck_assert_int_eq(bpf_map__type(m), want[i].type);
		ck_assert_uint_eq(bpf_map__key_size(m), want[i].key);
		ck_assert_uint_eq(bpf_map__value_size(m), want[i].value);
		ck_assert_uint_eq(bpf_map__max_entries(m), want[i].max);
	}
	bpf_object__close(o);
}
END_TEST

START_TEST(shared_structs_are_padded_to_8_bytes)
{
	/* No implicit padding: the same size on both sides of the boundary. */
	ck_assert_uint_eq(sizeof(struct ipip_bpf_encap), 16);
	ck_assert_uint_eq(sizeof(struct ipip_bpf_key), 8);
	ck_assert_uint_eq(sizeof(struct ipip_bpf_stats), 48);
	ck_assert_uint_eq(sizeof(struct ipip_bpf_drops), 16);
}
END_TEST

int
main(void)
{
	const TTest *tests[] = {
		object_has_the_tc_programs_and_the_slow_path_filter,
		maps_have_the_layout_the_driver_writes,
		shared_structs_are_padded_to_8_bytes,
	};

	return unit_run("tunnel_bpf", tests, UNIT_COUNT(tests));
}
