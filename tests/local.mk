# tests/: the shared unit-test runner, the layering check, fuzz smoke data.
# Unit tests themselves are listed by the module they test (its local.mk).
# End-to-end tests (tests/netns, tests/wire, tests/vm) run from tests/run.
check_LIBRARIES = tests/unit/libunit.a
tests_unit_libunit_a_SOURCES = tests/unit/unit.h tests/unit/unit.c tests/unit/unit_log.c
tests_unit_libunit_a_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)

TESTS += tests/check-layering.sh
EXTRA_DIST += tests/check-layering.sh tests/netns tests/wire tests/data
