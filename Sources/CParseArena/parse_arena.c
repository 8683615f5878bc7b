#include "parse_arena.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

// Each allocation is preceded by a 16-byte header holding its size (realloc needs it) and starts 16-byte aligned,
// as malloc's do on x86_64 and arm64.
enum { header_bytes = 16, alignment = 16 };
// The first block of a scope: libxml2 allocates 8-16 times a page's size while parsing it, so a small page fits
// (108 KB for the 6.8 KB pages of Scripts/make-load-sites) and a typical real page takes two or three blocks.
static const size_t first_block_bytes = 256 << 10;
// Blocks double up to this size: a region's limit (32 MB by default) is reached within a handful of blocks.
static const size_t largest_block_bytes = 8 << 20;

typedef struct block {
    struct block *previous;
    char *next;   // first free byte
    char *end;    // one past the last byte
    size_t bytes; // capacity, for the doubling
} block;

// Bytes of a block before its data: the header rounded up to the alignment.
#define BLOCK_HEADER_BYTES ((sizeof(block) + alignment - 1) & ~(size_t)(alignment - 1))

static __thread block *current;
static __thread unsigned depth;
static __thread uint64_t scope_number;
// Scope numbers are unique in the process, so a tree that strayed to another thread never matches its scope.
static _Atomic uint64_t last_scope_number;
static __thread size_t used_bytes;
static __thread int spilled;
static __thread size_t limit_bytes;

static char *block_data(block *b) { return (char *)b + BLOCK_HEADER_BYTES; }

static int owned(const void *pointer) {
    for (block *b = current; b; b = b->previous) {
        if ((const char *)pointer >= block_data(b) && (const char *)pointer < b->end) return 1;
    }
    return 0;
}

static void *carve(size_t size) {
    size_t rounded = (size + alignment - 1) & ~(size_t)(alignment - 1);
    if (rounded < size) return NULL;  // overflow
    size_t need = rounded + header_bytes;
    if (used_bytes + need > limit_bytes || need < rounded) {
        spilled = 1;
        return malloc(size ? size : 1);
    }
    if (!current || (size_t)(current->end - current->next) < need) {
        size_t bytes = current ? current->bytes * 2 : first_block_bytes;
        if (bytes > largest_block_bytes) bytes = largest_block_bytes;
        if (bytes < need) bytes = need;
        block *fresh = malloc(BLOCK_HEADER_BYTES + bytes);
        if (!fresh) return NULL;
        fresh->previous = current;
        fresh->next = block_data(fresh);
        fresh->end = fresh->next + bytes;
        fresh->bytes = bytes;
        current = fresh;
    }
    char *start = current->next;
    *(size_t *)start = rounded;
    current->next += need;
    used_bytes += need;
    return start + header_bytes;
}

void *fc_arena_malloc(size_t size) { return depth ? carve(size) : malloc(size); }

void fc_arena_free(void *pointer) {
    if (!pointer) return;
    if (current && owned(pointer)) return;  // released with its block
    free(pointer);
}

void *fc_arena_realloc(void *pointer, size_t size) {
    if (!pointer) return fc_arena_malloc(size);
    if (!(current && owned(pointer))) return realloc(pointer, size);
    size_t old = *(size_t *)((char *)pointer - header_bytes);
    if (size <= old) return pointer;
    void *moved = carve(size);
    if (moved) memcpy(moved, pointer, old);
    return moved;  // the old bytes stay in the block until the scope ends
}

char *fc_arena_strdup(const char *string) {
    size_t length = strlen(string) + 1;
    char *copy = fc_arena_malloc(length);
    if (copy) memcpy(copy, string, length);
    return copy;
}

void fc_arena_enter(size_t limit) {
    if (depth++ == 0) {
        limit_bytes = limit;
        scope_number = atomic_fetch_add_explicit(&last_scope_number, 1, memory_order_relaxed) + 1;
        used_bytes = 0;
        spilled = 0;
    }
}

void fc_arena_leave(void) {
    if (depth == 0 || --depth > 0) return;
    while (current) {
        block *previous = current->previous;
        free(current);
        current = previous;
    }
    scope_number = 0;
    used_bytes = 0;
    spilled = 0;
}

uint64_t fc_arena_scope(void) { return depth ? scope_number : 0; }
int fc_arena_spilled(void) { return spilled; }
size_t fc_arena_bytes_used(void) { return used_bytes; }
