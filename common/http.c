/* SPDX-License-Identifier: GPL-3.0-or-later */
/* http.c: an HTTP PUT of a file, streamed from its descriptor (libcurl),
 * with the TLS trust of the XMPP connection and inside -w. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "xt.h"

#define IDLE_EVERY 0.1		/* seconds between two idle() calls */

struct put {
	struct xt_http_put *p;
	unsigned long long sent;
	double last_idle;
	int read_errno;
};

static size_t
read_cb(char *buf, size_t size, size_t n, void *arg)
{
	struct put *u = arg;
	ssize_t r;

	do
		r = read(u->p->fd, buf, size * n);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		u->read_errno = errno;
		return CURL_READFUNC_ABORT;
	}
	u->sent += (size_t)r;
	return (size_t)r;
}

/* The answer's body is not wanted. */
static size_t
discard_cb(char *buf, size_t size, size_t n, void *arg)
{
	(void)buf;
	(void)arg;
	return size * n;
}

static int
progress_cb(void *arg, curl_off_t dltotal, curl_off_t dlnow,
    curl_off_t ultotal, curl_off_t ulnow)
{
	struct put *u = arg;
	double now = xt_now();

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	xt_progress((unsigned long long)ulnow);
	if (u->p->idle != NULL && now - u->last_idle >= IDLE_EVERY) {
		u->last_idle = now;
		u->p->idle(u->p->idle_arg);
	}
	return xt_signalled ? 1 : 0;
}

static int
certificate_error(CURLcode rc)
{
	return rc == CURLE_PEER_FAILED_VERIFICATION ||
	    rc == CURLE_SSL_CACERT_BADFILE || rc == CURLE_SSL_CERTPROBLEM ||
	    rc == CURLE_SSL_ISSUER_ERROR || rc == CURLE_SSL_PINNEDPUBKEYNOTMATCH;
}

int
xt_http_put(struct xt_http_put *p)
{
	static int initialised;
	char err[CURL_ERROR_SIZE] = "", hdr[1024];
	struct curl_slist *headers = NULL;
	struct put u = { p, 0, 0, 0 };
	double left;
	CURLcode rc;
	CURL *c;
	size_t i;
	int status = 0;

	p->status = 0;
	p->why[0] = '\0';
	if (!initialised++ && curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		xt_die(XT_SOFTWARE, "cannot start libcurl");
	if ((c = curl_easy_init()) == NULL)
		xt_die(XT_SOFTWARE, "cannot start libcurl");
	curl_easy_setopt(c, CURLOPT_URL, p->url);
	/* https only, unless --insecure; no redirect to elsewhere. */
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, xt_opt.insecure ?
	    "https,http" : "https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)p->size);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &u);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard_cb);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, progress_cb);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, &u);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "xmpp-tools/" XT_VERSION);
	/* The same trust as the XMPP connection. */
	if (xt_opt.cafile != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, xt_opt.cafile);
	if (xt_opt.capath != NULL)
		curl_easy_setopt(c, CURLOPT_CAPATH, xt_opt.capath);
	if (xt_opt.insecure) {
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (p->deadline > 0) {
		left = p->deadline - xt_now();
		curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)(left > 0.001 ?
		    left * 1e3 : 1));
	}
	/* No 100-continue round trip: the slot was granted for this. */
	headers = curl_slist_append(headers, "Expect:");
	if (p->content_type != NULL) {
		snprintf(hdr, sizeof(hdr), "Content-Type: %s", p->content_type);
		headers = curl_slist_append(headers, hdr);
	}
	for (i = 0; p->headers != NULL && p->headers[i] != NULL; i++)
		headers = curl_slist_append(headers, p->headers[i]);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	if (lseek(p->fd, 0, SEEK_SET) < 0 && errno != ESPIPE) {
		snprintf(p->why, sizeof(p->why), "cannot read '%s': %s",
		    p->what, xt_strerror(errno));
		status = XT_IOERR;
		goto out;
	}
	xt_progress_start_bytes(p->what, p->size);
	rc = curl_easy_perform(c);
	xt_progress_end();
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &p->status);
	if (rc == CURLE_OK && p->status >= 200 && p->status < 300)
		goto out;
	if (rc == CURLE_OK) {
		snprintf(p->why, sizeof(p->why), "upload of '%s' to '%s' failed: "
		    "HTTP %ld", p->what, p->url, p->status);
		status = XT_UNAVAILABLE;
	} else if (u.read_errno != 0) {
		snprintf(p->why, sizeof(p->why), "cannot read '%s': %s",
		    p->what, xt_strerror(u.read_errno));
		status = XT_IOERR;
	} else if (rc == CURLE_ABORTED_BY_CALLBACK) {
		snprintf(p->why, sizeof(p->why), "upload of '%s' interrupted",
		    p->what);
		status = XT_NEGATIVE;
	} else if (rc == CURLE_OPERATION_TIMEDOUT) {
		snprintf(p->why, sizeof(p->why), "upload of '%s' to '%s' timed "
		    "out after %llu of %llu bytes (-w bounds the whole run)",
		    p->what, p->url, u.sent, p->size);
		status = XT_TEMPFAIL;
	} else if (certificate_error(rc)) {
		snprintf(p->why, sizeof(p->why), "certificate of the upload "
		    "host of '%s' rejected: %s", p->url, *err ? err :
		    curl_easy_strerror(rc));
		status = XT_NOPERM;
	} else if (rc == CURLE_UNSUPPORTED_PROTOCOL) {
		snprintf(p->why, sizeof(p->why), "'%s' is not an https:// URL; "
		    "refusing to upload '%s' in the clear (--insecure allows "
		    "it)", p->url, p->what);
		status = XT_NEGATIVE;
	} else {
		snprintf(p->why, sizeof(p->why), "upload of '%s' to '%s' failed: "
		    "%s", p->what, p->url, *err ? err : curl_easy_strerror(rc));
		status = XT_UNAVAILABLE;
	}
out:
	curl_slist_free_all(headers);
	curl_easy_cleanup(c);
	return status;
}
