/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tls.c: trust store set-up and certificate pins. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/x509.h>

#include "xt.h"

void
xt_tls_fast_trust(void)
{
	const char *dir = X509_get_default_cert_dir();
	struct stat st;

	/* OpenSSL loads the whole default bundle (SSL_CERT_FILE) on every
	 * handshake; the hashed directory holds the same anchors and is
	 * read lazily, one certificate per lookup. Only when the user has
	 * not chosen a file and the directory exists. */
	if (getenv(X509_get_default_cert_file_env()) != NULL)
		return;
	if (getenv(X509_get_default_cert_dir_env()) == NULL &&
	    (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)))
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
