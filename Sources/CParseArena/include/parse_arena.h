// A per-thread region allocator for libxml2 (installed with xmlMemSetup by the LibXML2 target, its only user).
//
// Outside a scope every call is plain malloc/free. Inside one (fc_arena_enter .. fc_arena_leave on the same
// thread), allocations are carved from large blocks and free is a no-op; leaving the outermost scope hands the
// blocks back in one go. A parsed HTML page is thousands of small nodes, strings and attributes, all freed
// together: glibc's per-allocation bookkeeping was ~27% of libxml2's parse time (Scripts/floor/parse-floor).
#ifndef FC_PARSE_ARENA_H
#define FC_PARSE_ARENA_H

#include <stddef.h>
#include <stdint.h>

// libxml2's xmlFreeFunc, xmlMallocFunc, xmlReallocFunc, xmlStrdupFunc.
void fc_arena_free(void *pointer);
void *fc_arena_malloc(size_t size);
void *fc_arena_realloc(void *pointer, size_t size);
char *fc_arena_strdup(const char *string);

// Opens a scope on the calling thread (scopes nest; only the outermost one owns the blocks). The outermost scope
// carves at most `limit_bytes` from blocks; allocations beyond go to malloc (a hostile page cannot make a region
// hold more than that plus what malloc would have held anyway).
void fc_arena_enter(size_t limit_bytes);
// Closes the innermost scope; closing the outermost one releases every block. Every object allocated in the scope
// must be dead by then.
void fc_arena_leave(void);
// The open outermost scope's number on this thread, 0 when none is open (numbers are never reused in the process).
uint64_t fc_arena_scope(void);
// Whether an allocation of the open scope went to malloc because the scope reached its byte limit: objects of
// the scope then hold malloc'd memory that only a real free releases.
int fc_arena_spilled(void);
// Bytes handed out from blocks in the open scope (0 when none is open).
size_t fc_arena_bytes_used(void);

#endif
