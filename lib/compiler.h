/*
 * lib/compiler.h - attributes and small helpers shared by every module.
 */
#ifndef IPIP_LIB_COMPILER_H
#define IPIP_LIB_COMPILER_H

#define MUST_USE	__attribute__((warn_unused_result))
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#define NORETURN	__attribute__((noreturn))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#endif
