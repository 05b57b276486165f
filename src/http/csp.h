/* csp.h: the web UI's Content-Security-Policy. The UI is ES modules and style sheets from its
 * own origin; the one inline script is index.html's import map, allowed by its SHA-256 hash, so
 * a script an attacker gets into a page (a patient's name that escaped escaping) does not run. */
#ifndef HM_HTTP_CSP_H
#define HM_HTTP_CSP_H

#include <stddef.h>

/* The policy for an HTML page: the fixed directives plus a 'sha256-...' source for each inline
 * <script> element of html (those without src). 0, or -1 when out (n bytes) is too small. */
int hm_http_page_policy(const char *html, size_t len, char *out, size_t n);

#endif
