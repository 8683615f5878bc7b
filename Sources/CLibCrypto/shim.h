// OpenSSL's libcrypto, for its SHA-256 (assembly with SHA-NI/AVX2 paths, picked at run time).
// Only the LibCrypto target imports this module.
#ifndef FEEDCRAWLER_CLIBCRYPTO_SHIM_H
#define FEEDCRAWLER_CLIBCRYPTO_SHIM_H
#include <openssl/evp.h>
#endif
