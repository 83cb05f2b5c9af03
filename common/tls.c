/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tls.c: trust store set-up and certificate pins. */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/x509.h>

#include "xt.h"

/* 1 if path names the same file as OpenSSL's default bundle. */
static int
is_default_bundle(const char *path)
{
	char a[4096], b[4096];

	return realpath(path, a) != NULL &&
	    realpath(X509_get_default_cert_file(), b) != NULL &&
	    strcmp(a, b) == 0;
}

void
xt_tls_fast_trust(void)
{
	const char *file = getenv(X509_get_default_cert_file_env());
	const char *dir = getenv(X509_get_default_cert_dir_env());
	struct stat st;

	/* OpenSSL parses the whole default bundle on every handshake; the
	 * hashed directory holds the same anchors (update-ca-certificates
	 * writes both) and is read lazily, one certificate per lookup.
	 * Only when the user chose no other file, and the directory is
	 * there. */
	if (file != NULL && !is_default_bundle(file))
		return;
	if (dir == NULL)
		dir = X509_get_default_cert_dir();
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return;
	setenv(X509_get_default_cert_file_env(), "/nonexistent/xmpp-tools", 1);
}

/* Copy the next pin of a comma-separated list into out (hex, no colons,
 * lowercase); returns the rest of the list, or NULL when malformed. */
static const char *
next_pin(const char *p, char out[65])
{
	int n = 0;

	for (; *p && *p != ','; p++) {
		if (*p == ':')
			continue;
		if (!isxdigit((unsigned char)*p) || n == 64)
			return NULL;
		out[n++] = tolower((unsigned char)*p);
	}
	out[n] = '\0';
	if (n != 64)
		return NULL;
	return *p == ',' ? p + 1 : p;
}

int
xt_tls_pin_valid(const char *pins)
{
	char one[65];
	const char *p = pins;

	if (*p == '\0')
		return -1;
	while (*p)
		if ((p = next_pin(p, one)) == NULL)
			return -1;
	return 0;
}

int
xt_tls_pin_match(const char *pins, const char *fingerprint)
{
	char one[65], fp[65];
	const char *p = pins;

	/* libstrophe's fingerprint may contain colons or capitals. */
	if (next_pin(fingerprint, fp) == NULL)
		return 0;
	while (p != NULL && *p) {
		if ((p = next_pin(p, one)) == NULL)
			return 0;
		if (strcmp(one, fp) == 0)
			return 1;
	}
	return 0;
}
