/* parse-floor: what libxml2's HTML parser alone costs, the part of feedcrawler's work no extractor can avoid.
 *
 *   parse-floor < PAGE_PATHS        (one file path per line)
 *
 * Loads every page into memory first, then parses each with htmlReadMemory (the options and encoding
 * feedcrawler passes) and frees the tree, and prints the CPU time of that loop alone:
 *   "parse <pages> <bytes> <cpu_seconds>"
 * Used by Scripts/bench-floor. */
#include <libxml/HTMLparser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double cpu_seconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

int main(void) {
    size_t count = 0, capacity = 1024, bytes = 0;
    char **pages = malloc(capacity * sizeof *pages);
    size_t *lengths = malloc(capacity * sizeof *lengths);
    char path[4096];
    while (fgets(path, sizeof path, stdin)) {
        path[strcspn(path, "\n")] = 0;
        FILE *file = fopen(path, "rb");
        if (!file) { fprintf(stderr, "parse-floor: cannot open %s\n", path); return 1; }
        fseek(file, 0, SEEK_END);
        long length = ftell(file);
        rewind(file);
        if (count == capacity) {
            capacity *= 2;
            pages = realloc(pages, capacity * sizeof *pages);
            lengths = realloc(lengths, capacity * sizeof *lengths);
        }
        pages[count] = malloc((size_t)length);
        lengths[count] = fread(pages[count], 1, (size_t)length, file);
        bytes += lengths[count++];
        fclose(file);
    }
    /* As LibXML2.Document.parseHTML: recover, quiet, no network, compact text nodes; charset UTF-8. */
    int options = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET
                | HTML_PARSE_COMPACT;
    double start = cpu_seconds();
    for (size_t i = 0; i < count; i++) {
        htmlDocPtr document = htmlReadMemory(pages[i], (int)lengths[i], "http://localhost/", "UTF-8", options);
        if (document) xmlFreeDoc(document);
    }
    printf("parse %zu %zu %.3f\n", count, bytes, cpu_seconds() - start);
    return 0;
}
