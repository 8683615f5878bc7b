/* spool-floor: what writing the spool durably costs in the kernel, the other part of feedcrawler's work no
 * implementation can avoid (the spool contract: complete files only, each fsync'd before it appears).
 *
 *   spool-floor SOURCE_SPOOL NEW_SPOOL
 *
 * Loads every NNN_<id>.json and .txt pair feedcrawler wrote into SOURCE_SPOOL, then writes the same bytes
 * into NEW_SPOOL the way SpoolDelivery does at its cheapest (full batches of 64 articles): each file created
 * in NEW_SPOOL/.tmp with O_CREAT|O_EXCL|O_NOFOLLOW, written and closed; one syncfs per batch; the batch's
 * files renamed into NEW_SPOOL (.json before .txt); one fsync of NEW_SPOOL. No state store, no ledger.
 * Prints the CPU time (user + system) of the writing alone: "spool <articles> <bytes> <cpu_seconds>"
 * Used by Scripts/bench-floor. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

enum { batch = 64 };

struct file { char name[64]; char *bytes; size_t length; };

static double cpu_seconds(void) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return (double)usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6
         + (double)usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static int by_name(const void *a, const void *b) {
    return strcmp(((const struct file *)a)->name, ((const struct file *)b)->name);
}

static void fail(const char *what, const char *path) { perror(what); fprintf(stderr, "  %s\n", path); exit(1); }

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: spool-floor SOURCE_SPOOL NEW_SPOOL\n"); return 2; }
    DIR *source = opendir(argv[1]);
    if (!source) fail("opendir", argv[1]);
    size_t count = 0, capacity = 1024, bytes = 0;
    struct file *files = malloc(capacity * sizeof *files);
    for (struct dirent *entry; (entry = readdir(source));) {
        size_t length = strlen(entry->d_name);
        int json = length > 5 && !strcmp(entry->d_name + length - 5, ".json");
        int text = length > 4 && !strcmp(entry->d_name + length - 4, ".txt");
        if ((!json && !text) || length >= sizeof files->name) continue;
        if (count == capacity) { capacity *= 2; files = realloc(files, capacity * sizeof *files); }
        struct file *file = &files[count++];
        strcpy(file->name, entry->d_name);
        int descriptor = openat(dirfd(source), entry->d_name, O_RDONLY);
        struct stat status;
        if (descriptor < 0 || fstat(descriptor, &status) != 0) fail("open", entry->d_name);
        file->length = (size_t)status.st_size;
        file->bytes = malloc(file->length + 1);
        if (read(descriptor, file->bytes, file->length) != (ssize_t)file->length) fail("read", entry->d_name);
        close(descriptor);
        bytes += file->length;
    }
    closedir(source);
    /* Sorted, each article's .json comes just before its .txt: the order SpoolDelivery publishes in. */
    qsort(files, count, sizeof *files, by_name);

    char path[4096];
    snprintf(path, sizeof path, "%s/.tmp", argv[2]);
    if (mkdir(argv[2], 0750) != 0 || mkdir(path, 0750) != 0) fail("mkdir", path);
    int spool = open(argv[2], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int temporary = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (spool < 0 || temporary < 0) fail("open", argv[2]);

    double start = cpu_seconds();
    for (size_t first = 0; first < count; first += 2 * batch) {
        size_t end = first + 2 * batch < count ? first + 2 * batch : count;
        for (size_t i = first; i < end; i++) {
            int descriptor = openat(temporary, files[i].name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                                    0640);
            if (descriptor < 0) fail("openat", files[i].name);
            if (write(descriptor, files[i].bytes, files[i].length) != (ssize_t)files[i].length)
                fail("write", files[i].name);
            if (close(descriptor) != 0) fail("close", files[i].name);
        }
        if (syncfs(temporary) != 0) fail("syncfs", path);
        for (size_t i = first; i < end; i++)
            if (renameat(temporary, files[i].name, spool, files[i].name) != 0) fail("renameat", files[i].name);
        if (fsync(spool) != 0) fail("fsync", argv[2]);
    }
    printf("spool %zu %zu %.3f\n", count / 2, bytes, cpu_seconds() - start);
    return 0;
}
