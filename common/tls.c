/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tls.c: trust store set-up and certificate pins. */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/pem.h>
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

/* The user's SSL_CERT_FILE and SSL_CERT_DIR while we override them. */
static struct {
	int active;
	char *file, *dir;
} saved;

static void
override(const char *file, const char *dir)
{
	const char *f = getenv(X509_get_default_cert_file_env());
	const char *d = getenv(X509_get_default_cert_dir_env());

	saved.active = 1;
	saved.file = f ? strdup(f) : NULL;
	saved.dir = d ? strdup(d) : NULL;
	if (file != NULL)
		setenv(X509_get_default_cert_file_env(), file, 1);
	if (dir != NULL)
		setenv(X509_get_default_cert_dir_env(), dir, 1);
}

void
xt_tls_trust_begin(const char *cafile, const char *capath)
{
	const char *file = getenv(X509_get_default_cert_file_env());
	const char *dir = getenv(X509_get_default_cert_dir_env());
	char a[4096], b[4096];
	struct stat st;

	if (saved.active)
		return;
	/* libstrophe always loads OpenSSL's default paths and only adds
	 * --cafile/--capath to them; pointing the defaults at nothing makes
	 * the user's anchors the only ones, as curl's --cacert does. */
	if (cafile != NULL || capath != NULL) {
		override("/nonexistent/xmpp-tools", "/nonexistent/xmpp-tools");
		return;
	}
	/* OpenSSL parses the whole default bundle on every handshake; the
	 * hashed directory holds the same anchors (update-ca-certificates
	 * writes both) and is read lazily, one certificate per lookup.
	 * Only when the user chose neither another file nor another
	 * directory, and the directory is there. */
	if (file != NULL && !is_default_bundle(file))
		return;
	if (dir != NULL && !(realpath(dir, a) != NULL &&
	    realpath(X509_get_default_cert_dir(), b) != NULL &&
	    strcmp(a, b) == 0))
		return;
	if (stat(X509_get_default_cert_dir(), &st) != 0 ||
	    !S_ISDIR(st.st_mode))
		return;
	override("/nonexistent/xmpp-tools", NULL);
}

void
xt_tls_trust_end(void)
{
	if (!saved.active)
		return;
	if (saved.file != NULL)
		setenv(X509_get_default_cert_file_env(), saved.file, 1);
	else
		unsetenv(X509_get_default_cert_file_env());
	if (saved.dir != NULL)
		setenv(X509_get_default_cert_dir_env(), saved.dir, 1);
	else
		unsetenv(X509_get_default_cert_dir_env());
	free(saved.file);
	free(saved.dir);
	saved.file = saved.dir = NULL;
	saved.active = 0;
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

long long
xt_tls_cert_expiry(const xmpp_tlscert_t *cert)
{
	const char *pem = cert ? xmpp_tlscert_get_pem(cert) : NULL;
	struct tm tm;
	long long t = -1;
	X509 *x = NULL;
	BIO *bio;

	/* libstrophe gives the date only as text: parse the PEM instead. */
	if (pem == NULL || (bio = BIO_new_mem_buf(pem, -1)) == NULL)
		return -1;
	x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (x != NULL && ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm) == 1)
		t = (long long)timegm(&tm);
	X509_free(x);
	return t;
}
