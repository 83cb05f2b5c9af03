/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz SCRAM against a hostile server (common/sasl.c), base64 and the
 * choice of mechanism. The input is lines: hash, user, password, client
 * nonce, server-first, server-final, offered mechanisms. Whatever the
 * server sends, the client-final message is what RFC 5802 computes from
 * it (checked here with OpenSSL directly), and only the right signature
 * is accepted. */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "fuzz.h"

/* Work per input stays small: higher counts are valid but slow. */
#define MAX_HASHED_ITER 64

/* The value of the first "k=" attribute, as its own string. */
static char *
attr(const char *msg, char k)
{
	const char *p = msg;
	size_t n;

	for (;;) {
		n = strcspn(p, ",");
		if (n >= 2 && p[0] == k && p[1] == '=')
			return strndup(p + 2, n - 2);
		if (p[n] == '\0')
			return NULL;
		p += n + 1;
	}
}

static void
check_base64(const unsigned char *data, size_t size)
{
	char *e = xt_base64_encode(data, size), *e2;
	unsigned char *d, *d2;
	size_t len, len2;

	fuzz_assert(e != NULL && strlen(e) == 4 * ((size + 2) / 3));
	d = xt_base64_decode(e, &len);
	fuzz_assert(d != NULL && len == size && memcmp(d, data, size) == 0);
	free(d);
	free(e);
	/* The input itself as base64: what decodes encodes back to a
	 * string that decodes the same. */
	e = fuzz_strdup(data, size);
	if ((d = xt_base64_decode(e, &len)) != NULL) {
		fuzz_assert(len <= strlen(e) / 4 * 3);
		e2 = xt_base64_encode(d, len);
		fuzz_assert(e2 != NULL);
		d2 = xt_base64_decode(e2, &len2);
		fuzz_assert(d2 != NULL && len2 == len &&
		    memcmp(d, d2, len) == 0);
		free(d2);
		free(e2);
		free(d);
	}
	free(e);
}

/* The client-final message and server signature RFC 5802 3 gives. */
static void
expected(const EVP_MD *md, const char *first_bare, const char *pw,
    const char *server_first, const char *r, const unsigned char *salt,
    size_t saltlen, int iter, char **final, unsigned char *ssig)
{
	unsigned char salted[EVP_MAX_MD_SIZE], ckey[EVP_MAX_MD_SIZE];
	unsigned char stored[EVP_MAX_MD_SIZE], csig[EVP_MAX_MD_SIZE];
	unsigned char skey[EVP_MAX_MD_SIZE], proof[EVP_MAX_MD_SIZE];
	unsigned int n, dlen = EVP_MD_get_size(md), i;
	char *bare, *auth, *p64;

	fuzz_assert(asprintf(&bare, "c=biws,r=%s", r) > 0);
	fuzz_assert(asprintf(&auth, "%s,%s,%s", first_bare, server_first,
	    bare) > 0);
	fuzz_assert(PKCS5_PBKDF2_HMAC(pw, strlen(pw), salt, saltlen, iter,
	    md, dlen, salted));
	fuzz_assert(HMAC(md, salted, dlen, (unsigned char *)"Client Key", 10,
	    ckey, &n));
	fuzz_assert(EVP_Digest(ckey, dlen, stored, &n, md, NULL));
	fuzz_assert(HMAC(md, stored, dlen, (unsigned char *)auth,
	    strlen(auth), csig, &n));
	fuzz_assert(HMAC(md, salted, dlen, (unsigned char *)"Server Key", 10,
	    skey, &n));
	fuzz_assert(HMAC(md, skey, dlen, (unsigned char *)auth, strlen(auth),
	    ssig, &n));
	for (i = 0; i < dlen; i++)
		proof[i] = ckey[i] ^ csig[i];
	p64 = xt_base64_encode(proof, dlen);
	fuzz_assert(asprintf(final, "%s,p=%s", bare, p64) > 0);
	free(p64);
	free(auth);
	free(bare);
}

/* Whatever the server-final says, it passes only with the signature
 * the server must compute; and that one passes. */
static void
check_verify(struct xt_scram *s, const EVP_MD *md, const char *sfinal,
    const unsigned char *ssig)
{
	size_t dlen = EVP_MD_get_size(md), siglen;
	unsigned char *sig;
	const char *why;
	char *v, *e, *good;
	int rc;

	rc = xt_scram_verify(s, sfinal, &why);
	fuzz_assert(rc == 0 || (rc == -1 && why != NULL));
	if (rc == 0) {
		e = attr(sfinal, 'e');
		fuzz_assert(e == NULL);
		v = attr(sfinal, 'v');
		fuzz_assert(v != NULL);
		sig = xt_base64_decode(v, &siglen);
		fuzz_assert(sig != NULL && siglen == dlen &&
		    memcmp(sig, ssig, siglen) == 0);
		free(sig);
		free(v);
	}
	v = xt_base64_encode(ssig, dlen);
	fuzz_assert(asprintf(&good, "v=%s", v) > 0);
	fuzz_assert(xt_scram_verify(s, good, &why) == 0);
	free(good);
	free(v);
}

static void
check_scram(char **line)
{
	const char *hash = line[0], *user = line[1], *pw = line[2];
	const char *nonce = *line[3] ? line[3] : "fyko+d2lbbFgONRv9qkxdawL";
	const char *sfirst = line[4], *why, *final;
	struct xt_scram *s = xt_scram_new(hash, user, pw, nonce);
	unsigned char *salt, ssig[EVP_MAX_MD_SIZE];
	char *r, *salt64, *iter, *end, *want;
	const EVP_MD *md;
	size_t saltlen;
	long it;
	int skip;

	md = strcmp(hash, "SHA-1") == 0 ? EVP_sha1() :
	    strcmp(hash, "SHA-256") == 0 ? EVP_sha256() :
	    strcmp(hash, "SHA-512") == 0 ? EVP_sha512() : NULL;
	fuzz_assert((s == NULL) == (md == NULL));
	if (s == NULL)
		return;
	fuzz_assert(strncmp(xt_scram_first(s), "n,,n=", 5) == 0);
	/* An iteration count costs as much as it counts: skip the big
	 * valid ones (the small ones go through the same code). */
	if ((iter = attr(sfirst, 'i')) != NULL) {
		it = strtol(iter, &end, 10);
		skip = *end == '\0' && it > MAX_HASHED_ITER && it <= 10000000;
		free(iter);
		if (skip) {
			xt_scram_free(s);
			return;
		}
	}
	final = xt_scram_final(s, sfirst, &why);
	fuzz_assert((final == NULL) == (why != NULL));
	r = attr(sfirst, 'r');
	salt64 = attr(sfirst, 's');
	iter = attr(sfirst, 'i');
	if (final != NULL) {
		/* It took the server's nonce, which extends ours. */
		fuzz_assert(r != NULL && salt64 != NULL && iter != NULL);
		fuzz_assert(strncmp(r, nonce, strlen(nonce) > 63 ? 63 :
		    strlen(nonce)) == 0);
		salt = xt_base64_decode(salt64, &saltlen);
		fuzz_assert(salt != NULL);
		expected(md, xt_scram_first(s) + 3, pw, sfirst, r, salt,
		    saltlen, atoi(iter), &want, ssig);
		if (strcmp(final, want) != 0)
			fprintf(stderr, "final: %s\nwant:  %s\n", final, want);
		fuzz_assert(strcmp(final, want) == 0);
		check_verify(s, md, line[5], ssig);
		free(want);
		free(salt);
	}
	free(r);
	free(salt64);
	free(iter);
	xt_scram_free(s);
}

static void
check_choose(const char *offered)
{
	static const char *const forced[] = { NULL, "plain", "scram-sha-1",
	    "EXTERNAL", "ANONYMOUS", "DIGEST-MD5", "" };
	const char *m, *why;
	size_t i;
	int bits;

	for (i = 0; i < sizeof(forced) / sizeof(forced[0]); i++)
		for (bits = 0; bits < 8; bits++) {
			why = NULL;
			m = xt_sasl_choose(offered, forced[i], bits & 1,
			    bits & 2, bits & 4, &why);
			fuzz_assert((m == NULL) == (why != NULL));
			/* Never PLAIN in clear text. */
			fuzz_assert(m == NULL || (bits & 1) ||
			    strcmp(m, "PLAIN") != 0);
			fuzz_assert(m == NULL || strstr(offered, m) != NULL);
		}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_strdup(data, size), *line[7], *p = buf;
	static char none[] = "";
	size_t i;

	check_base64(data, size);
	for (i = 0; i < 7; i++) {
		line[i] = p;
		if ((p = strchr(p, '\n')) != NULL)
			*p++ = '\0';
		else
			p = none;
	}
	check_scram(line);
	check_choose(line[6]);
	free(buf);
	return 0;
}
