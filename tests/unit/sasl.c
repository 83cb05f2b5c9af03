/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for sasl.c: RFC 5802 and RFC 7677 vectors, mechanism policy. */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "xt.h"

static void
vector(const char *hash, const char *nonce, const char *first,
    const char *server_first, const char *final, const char *server_final)
{
	struct xt_scram *s = xt_scram_new(hash, "user", "pencil", nonce);
	const char *why = NULL, *got;
	char bad[256];

	ok(s != NULL, "%s: new", hash);
	is(xt_scram_first(s), first, "client-first");
	got = xt_scram_final(s, server_first, &why);
	is(got, final, "client-final");
	ok(xt_scram_verify(s, server_final, &why) == 0, "server signature ok");
	/* One flipped character in the signature must be refused. */
	snprintf(bad, sizeof(bad), "%s", server_final);
	bad[3] = bad[3] == 'A' ? 'B' : 'A';
	ok(xt_scram_verify(s, bad, &why) != 0, "forged signature refused");
	ok(xt_scram_verify(s, "e=invalid-proof", &why) != 0,
	    "server error refused");
	xt_scram_free(s);
}

static void
bad_challenges(void)
{
	struct xt_scram *s = xt_scram_new("SHA-1", "user", "pencil", "abc");
	const char *why;

	ok(xt_scram_final(s, "r=xyzdef,s=QSXCR+Q6sek8bf92,i=4096", &why) ==
	    NULL, "nonce not extending ours refused");
	ok(xt_scram_final(s, "r=abc,s=QSXCR+Q6sek8bf92,i=4096", &why) ==
	    NULL, "nonce equal to ours refused");
	ok(xt_scram_final(s, "r=abcd,s=QSXCR+Q6sek8bf92,i=0", &why) == NULL,
	    "zero iterations refused");
	ok(xt_scram_final(s, "r=abcd,s=QSXCR+Q6sek8bf92,i=999999999", &why)
	    == NULL, "absurd iterations refused");
	ok(xt_scram_final(s, "r=abcd,s=!!!,i=4096", &why) == NULL,
	    "bad salt refused");
	ok(xt_scram_final(s, "m=ext,r=abcd,s=QSXCR+Q6sek8bf92,i=1", &why) ==
	    NULL, "mandatory extension refused");
	ok(xt_scram_final(s, "r=abcd", &why) == NULL, "missing salt refused");
	xt_scram_free(s);

	s = xt_scram_new("SHA-1", "a,b=c", "x", "n1");
	is(xt_scram_first(s), "n,,n=a=2Cb=3Dc,r=n1", "username escaped");
	xt_scram_free(s);
	ok(xt_scram_new("MD5", "u", "p", NULL) == NULL, "unknown hash refused");
	s = xt_scram_new("SHA-256", "u", "p", NULL);
	ok(s != NULL && strlen(xt_scram_first(s)) > strlen("n,,n=u,r=") + 16,
	    "random nonce present");
	xt_scram_free(s);
}

static void
choose(void)
{
	const char *why;
	const char *all = "SCRAM-SHA-1 SCRAM-SHA-256 PLAIN SCRAM-SHA-1-PLUS";

	is(xt_sasl_choose(all, NULL, 1, 0, 0, &why), "SCRAM-SHA-256",
	    "strongest SCRAM chosen");
	is(xt_sasl_choose("SCRAM-SHA-1-PLUS SCRAM-SHA-1", NULL, 1, 0, 0, &why),
	    "SCRAM-SHA-1", "-PLUS is not mistaken for the plain mechanism");
	is(xt_sasl_choose("PLAIN", NULL, 1, 0, 0, &why), "PLAIN",
	    "PLAIN over TLS when nothing better");
	is(xt_sasl_choose("PLAIN", NULL, 0, 0, 0, &why), NULL,
	    "PLAIN refused without TLS");
	is(xt_sasl_choose(all, "plain", 1, 0, 0, &why), "PLAIN",
	    "forced PLAIN over TLS");
	is(xt_sasl_choose(all, "PLAIN", 0, 0, 0, &why), NULL,
	    "forced PLAIN still refused without TLS");
	is(xt_sasl_choose(all, "SCRAM-SHA-512", 1, 0, 0, &why), NULL,
	    "forced mechanism not offered");
	is(xt_sasl_choose(all, "", 1, 0, 0, &why), NULL,
	    "an empty forced mechanism is not offered (and ends)");
	is(xt_sasl_choose("EXTERNAL SCRAM-SHA-1", NULL, 1, 1, 0, &why),
	    "EXTERNAL", "client certificate means EXTERNAL");
	is(xt_sasl_choose("SCRAM-SHA-1", NULL, 1, 1, 0, &why), NULL,
	    "client certificate without EXTERNAL offered");
	is(xt_sasl_choose("ANONYMOUS SCRAM-SHA-1", NULL, 1, 0, 1, &why),
	    "ANONYMOUS", "domain-only JID means ANONYMOUS");
	is(xt_sasl_choose("DIGEST-MD5", NULL, 1, 0, 0, &why), NULL,
	    "nothing supported");
}

static void
base64(void)
{
	char *e = xt_base64_encode("n,,", 3);
	unsigned char *d;
	size_t len;

	is(e, "biws", "base64 encode");
	free(e);
	d = xt_base64_decode("Zm9vYg==", &len);
	ok(d != NULL && len == 4 && memcmp(d, "foob", 4) == 0,
	    "base64 decode with padding");
	free(d);
	ok(xt_base64_decode("Zm9", &len) == NULL, "truncated base64 refused");
	e = xt_sasl_plain("alice", "pw", &len);
	ok(len == 9 && memcmp(e, "\0alice\0pw", 9) == 0, "PLAIN message");
	free(e);
}

int
main(void)
{
	/* RFC 5802 section 5 */
	vector("SHA-1", "fyko+d2lbbFgONRv9qkxdawL",
	    "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL",
	    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,"
	    "s=QSXCR+Q6sek8bf92,i=4096",
	    "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,"
	    "p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
	    "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=");
	/* RFC 7677 section 3 */
	vector("SHA-256", "rOprNGfwEbeRWgbNEkqO",
	    "n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
	    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
	    "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
	    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
	    "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
	    "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
	bad_challenges();
	choose();
	base64();
	return done_testing();
}
