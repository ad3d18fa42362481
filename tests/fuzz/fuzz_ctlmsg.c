/*
 * tests/fuzz/fuzz_ctlmsg.c - libFuzzer target: control-socket framing.
 * Feeds arbitrary bytes through ctl_frame_parse as the daemon's read loop
 * does (frame after frame) and reads every record type out of each frame.
 */
#include <stddef.h>
#include <stdint.h>

#include "lib/ctlmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctl_frame f;
	struct ctl_daemon d;
	struct ctl_version v;
	struct ctl_error e;
	size_t used;

	while (size > 0 && ctl_frame_parse(data, size, &f, &used) == 0) {
		if (ctl_record_get(&f, &d, sizeof(d)) == 0)
			CTL_STR_FIX(d.hostname);
		if (ctl_record_get(&f, &v, sizeof(v)) == 0)
			CTL_STR_FIX(v.version);
		if (ctl_record_get(&f, &e, sizeof(e)) == 0)
			CTL_STR_FIX(e.msg);
		data += used;
		size -= used;
	}
	return 0;
}
