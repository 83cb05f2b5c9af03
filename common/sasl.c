/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sasl.c: mechanism choice, SCRAM (RFC 5802, 7677) and PLAIN (RFC 4616). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "xt.h"

/* Iteration counts beyond this are a denial of service, not security. */
#define SCRAM_MAX_ITER 10000000

struct xt_scram {
	const EVP_MD *md;
	size_t dlen;
	char *password;
	char *first_bare;	/* n=user,r=cnonce */
	char *first;		/* gs2 header + first_bare */
	char *final;
	char cnonce[64];
	unsigned char server_sig[EVP_MAX_MD_SIZE];
};

/* Our preference, strongest first. Channel binding (-PLUS) needs the
 * TLS session, which libstrophe does not expose: see gs2_header(). */
static const char *const preference[] = {
	"SCRAM-SHA-512", "SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN", NULL
};

static int
offered_has(const char *offered, const char *mech)
{
	size_t n = strlen(mech);
	const char *p = offered;

	/* strstr() finds "" everywhere, and p += 0 would never end. */
	if (n == 0)
		return 0;
	while ((p = strstr(p, mech)) != NULL) {
		if ((p == offered || p[-1] == ' ') &&
		    (p[n] == ' ' || p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

const char *
xt_sasl_choose(const char *offered, const char *forced, int secured,
    int have_cert, int anonymous, const char **why)
{
	static char upper[64];
	size_t i;

	if (forced != NULL) {
		for (i = 0; forced[i] && i < sizeof(upper) - 1; i++)
			upper[i] = (forced[i] >= 'a' && forced[i] <= 'z') ?
			    forced[i] - 32 : forced[i];
		upper[i] = '\0';
		if (!offered_has(offered, upper)) {
			*why = "the server does not offer it";
			return NULL;
		}
		if (strcmp(upper, "PLAIN") == 0 && !secured) {
			*why = "PLAIN would send the password in clear text "
			    "without TLS";
			return NULL;
		}
		if (!offered_has("SCRAM-SHA-512 SCRAM-SHA-256 SCRAM-SHA-1 "
		    "PLAIN EXTERNAL ANONYMOUS", upper)) {
			*why = "it is not supported";
			return NULL;
		}
		return upper;
	}
	if (have_cert) {
		if (offered_has(offered, "EXTERNAL"))
			return "EXTERNAL";
		*why = "a client certificate was given but the server does "
		    "not offer EXTERNAL";
		return NULL;
	}
	if (anonymous) {
		if (offered_has(offered, "ANONYMOUS"))
			return "ANONYMOUS";
		*why = "the JID has no local part but the server does not "
		    "offer ANONYMOUS";
		return NULL;
	}
	for (i = 0; preference[i] != NULL; i++) {
		if (!offered_has(offered, preference[i]))
			continue;
		if (strcmp(preference[i], "PLAIN") == 0 && !secured) {
			*why = "the server offers only PLAIN, which would send "
			    "the password in clear text without TLS";
			return NULL;
		}
		return preference[i];
	}
	*why = "no supported mechanism is offered";
	return NULL;
}

char *
xt_base64_encode(const void *data, size_t len)
{
	char *out = malloc(4 * ((len + 2) / 3) + 1);

	if (out != NULL)
		EVP_EncodeBlock((unsigned char *)out, data, len);
	return out;
}

unsigned char *
xt_base64_decode(const char *s, size_t *len)
{
	size_t n = strlen(s), pad = 0;
	unsigned char *out;
	int r;

	if (n % 4 != 0)
		return NULL;
	if (n > 0 && s[n - 1] == '=')
		pad++;
	if (n > 1 && s[n - 2] == '=')
		pad++;
	if ((out = malloc(n / 4 * 3 + 1)) == NULL)
		return NULL;
	r = EVP_DecodeBlock(out, (const unsigned char *)s, n);
	if (r < 0 || (size_t)r < pad) {
		free(out);
		return NULL;
	}
	*len = r - pad;
	out[*len] = '\0';
	return out;
}

char *
xt_sasl_plain(const char *authcid, const char *password, size_t *len)
{
	size_t a = strlen(authcid), p = strlen(password);
	char *buf = malloc(a + p + 2);

	if (buf == NULL)
		return NULL;
	buf[0] = '\0';
	memcpy(buf + 1, authcid, a);
	buf[a + 1] = '\0';
	memcpy(buf + a + 2, password, p);
	*len = a + p + 2;
	return buf;
}

/* RFC 5802 5.1: "," and "=" in a username are escaped as =2C and =3D. */
static char *
scram_escape(const char *user)
{
	char *out = malloc(strlen(user) * 3 + 1), *o = out;

	if (out == NULL)
		return NULL;
	for (; *user; user++) {
		if (*user == ',')
			o = stpcpy(o, "=2C");
		else if (*user == '=')
			o = stpcpy(o, "=3D");
		else
			*o++ = *user;
	}
	*o = '\0';
	return out;
}

/* GS2 header (RFC 5802 7): "n" says the client does not support channel
 * binding. A server that offers -PLUS must not see "y" from a client
 * that could have bound, so "n" it is until tls-exporter is reachable. */
static const char *
gs2_header(void)
{
	return "n,,";
}

struct xt_scram *
xt_scram_new(const char *hash, const char *user, const char *password,
    const char *nonce)
{
	struct xt_scram *s = calloc(1, sizeof(*s));
	unsigned char raw[18];
	char *esc, *b64;

	if (s == NULL)
		return NULL;
	if (strcmp(hash, "SHA-1") == 0)
		s->md = EVP_sha1();
	else if (strcmp(hash, "SHA-256") == 0)
		s->md = EVP_sha256();
	else if (strcmp(hash, "SHA-512") == 0)
		s->md = EVP_sha512();
	else {
		free(s);
		return NULL;
	}
	s->dlen = EVP_MD_get_size(s->md);
	if (nonce != NULL) {
		snprintf(s->cnonce, sizeof(s->cnonce), "%s", nonce);
	} else {
		if (RAND_bytes(raw, sizeof(raw)) != 1 ||
		    (b64 = xt_base64_encode(raw, sizeof(raw))) == NULL) {
			free(s);
			return NULL;
		}
		snprintf(s->cnonce, sizeof(s->cnonce), "%s", b64);
		free(b64);
	}
	esc = scram_escape(user);
	s->password = strdup(password);
	if (esc == NULL || s->password == NULL ||
	    asprintf(&s->first_bare, "n=%s,r=%s", esc, s->cnonce) < 0 ||
	    asprintf(&s->first, "%s%s", gs2_header(), s->first_bare) < 0) {
		free(esc);
		xt_scram_free(s);
		return NULL;
	}
	free(esc);
	return s;
}

const char *
xt_scram_first(struct xt_scram *s)
{
	return s->first;
}

/* Value of attribute "k=" in a SCRAM message, as a malloc'd string. */
static char *
scram_attr(const char *msg, char k)
{
	const char *p = msg, *end;

	while (p != NULL && *p) {
		if (p[0] == k && p[1] == '=') {
			end = strchr(p, ',');
			return strndup(p + 2, end ? (size_t)(end - p - 2) :
			    strlen(p + 2));
		}
		p = strchr(p, ',');
		if (p != NULL)
			p++;
	}
	return NULL;
}

static int
hmac(const EVP_MD *md, const void *key, size_t klen, const void *data,
    size_t dlen, unsigned char *out)
{
	unsigned int n;

	return HMAC(md, key, klen, data, dlen, out, &n) != NULL;
}

const char *
xt_scram_final(struct xt_scram *s, const char *server_first,
    const char **why)
{
	unsigned char salted[EVP_MAX_MD_SIZE], ckey[EVP_MAX_MD_SIZE];
	unsigned char skey[EVP_MAX_MD_SIZE], stored[EVP_MAX_MD_SIZE];
	unsigned char csig[EVP_MAX_MD_SIZE], proof[EVP_MAX_MD_SIZE];
	char *r = NULL, *salt64 = NULL, *iter = NULL, *authmsg = NULL;
	char *without_proof = NULL, *proof64 = NULL, *cbind = NULL, *end;
	unsigned char *salt = NULL;
	size_t saltlen, i;
	long it;
	const char *ret = NULL;

	*why = "malformed challenge";
	if (strncmp(server_first, "m=", 2) == 0) {
		*why = "the server requires an unsupported SCRAM extension";
		return NULL;
	}
	r = scram_attr(server_first, 'r');
	salt64 = scram_attr(server_first, 's');
	iter = scram_attr(server_first, 'i');
	if (r == NULL || salt64 == NULL || iter == NULL)
		goto out;
	if (strncmp(r, s->cnonce, strlen(s->cnonce)) != 0 ||
	    strlen(r) == strlen(s->cnonce)) {
		*why = "the server's nonce does not extend ours";
		goto out;
	}
	it = strtol(iter, &end, 10);
	if (*end != '\0' || it < 1 || it > SCRAM_MAX_ITER) {
		*why = "iteration count out of range";
		goto out;
	}
	if ((salt = xt_base64_decode(salt64, &saltlen)) == NULL)
		goto out;
	cbind = xt_base64_encode(gs2_header(), strlen(gs2_header()));
	if (cbind == NULL ||
	    asprintf(&without_proof, "c=%s,r=%s", cbind, r) < 0)
		goto out;
	if (asprintf(&authmsg, "%s,%s,%s", s->first_bare, server_first,
	    without_proof) < 0) {
		authmsg = NULL;
		goto out;
	}
	/* RFC 5802 3: SaltedPassword, ClientKey, StoredKey, ServerKey. */
	if (!PKCS5_PBKDF2_HMAC(s->password, strlen(s->password), salt,
	    saltlen, it, s->md, s->dlen, salted) ||
	    !hmac(s->md, salted, s->dlen, "Client Key", 10, ckey) ||
	    !EVP_Digest(ckey, s->dlen, stored, NULL, s->md, NULL) ||
	    !hmac(s->md, stored, s->dlen, authmsg, strlen(authmsg), csig) ||
	    !hmac(s->md, salted, s->dlen, "Server Key", 10, skey) ||
	    !hmac(s->md, skey, s->dlen, authmsg, strlen(authmsg),
	    s->server_sig)) {
		*why = "hashing failed";
		goto out;
	}
	for (i = 0; i < s->dlen; i++)
		proof[i] = ckey[i] ^ csig[i];
	if ((proof64 = xt_base64_encode(proof, s->dlen)) == NULL)
		goto out;
	free(s->final);
	if (asprintf(&s->final, "%s,p=%s", without_proof, proof64) < 0) {
		s->final = NULL;
		goto out;
	}
	ret = s->final;
	*why = NULL;
out:
	OPENSSL_cleanse(salted, sizeof(salted));
	OPENSSL_cleanse(ckey, sizeof(ckey));
	free(r);
	free(salt64);
	free(iter);
	free(salt);
	free(cbind);
	free(without_proof);
	free(authmsg);
	free(proof64);
	return ret;
}

int
xt_scram_verify(struct xt_scram *s, const char *server_final,
    const char **why)
{
	char *v, *e;
	unsigned char *sig;
	size_t len;
	int ok;

	if ((e = scram_attr(server_final, 'e')) != NULL) {
		free(e);
		*why = "the server reported an error";
		return -1;
	}
	if ((v = scram_attr(server_final, 'v')) == NULL) {
		*why = "the server sent no signature";
		return -1;
	}
	sig = xt_base64_decode(v, &len);
	free(v);
	ok = sig != NULL && len == s->dlen &&
	    CRYPTO_memcmp(sig, s->server_sig, len) == 0;
	free(sig);
	if (!ok) {
		*why = "the server's signature is wrong: it does not know "
		    "the password (an impostor?)";
		return -1;
	}
	return 0;
}

void
xt_scram_free(struct xt_scram *s)
{
	if (s == NULL)
		return;
	if (s->password != NULL) {
		OPENSSL_cleanse(s->password, strlen(s->password));
		free(s->password);
	}
	free(s->first_bare);
	free(s->first);
	free(s->final);
	OPENSSL_cleanse(s, sizeof(*s));
	free(s);
}
