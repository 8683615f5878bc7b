// libxml2 for Swift. Only the LibXML2 target imports this module.
#ifndef FEEDCRAWLER_CLIBXML2_SHIM_H
#define FEEDCRAWLER_CLIBXML2_SHIM_H
// Debian's libxml2 headers pull in ICU 72 while Foundation ships ICU 75: a clean build then fails with
// "'UErrorCode' has different definitions in different modules". We never use libxml2's ICU API.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlIO.h>

// xmlFree is a global function pointer; Swift 6 rejects touching it directly as not concurrency-safe.
static inline void fc_xml_free(void *p) { xmlFree(p); }

// libxml2 prints some errors (encoding conversion failures, "I/O error : encoder error") straight to stderr
// through its generic error channel, whatever the parse options: hostile bytes then flood the daemon's log with
// unstructured lines. Errors are read from the parser context instead, so the channel is silenced: for the
// calling thread and as the default of every thread that first uses libxml2 later (the setting is per thread).
static void fc_xml_ignore_generic_error(void *context, const char *message, ...) { (void)context; (void)message; }
static inline void fc_xml_silence_generic_errors(void) {
    xmlThrDefSetGenericErrorFunc(NULL, fc_xml_ignore_generic_error);
    xmlSetGenericErrorFunc(NULL, fc_xml_ignore_generic_error);
}

#endif
