/*
 * libcurl, loaded when the first request is made rather than when the
 * program starts: linking it pulls in some thirty shared libraries (TLS,
 * Kerberos, LDAP, ...) whose loading costs pierone --version or --help
 * more time and memory than all the rest of its work.  Code below this
 * header calls curl_* as usual; the calls go through a table that
 * curl_load() fills with dlopen(3)/dlsym(3).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef PIERONE_CURLDL_H
#define PIERONE_CURLDL_H

#define CURL_DISABLE_TYPECHECK	/* the calls go through pointers */
#include <curl/curl.h>

#include "pierone.h"

struct curl_api {
	CURLcode (*global_init)(long);
	void (*global_cleanup)(void);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode (*easy_perform)(CURL *);
	CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
	void (*easy_cleanup)(CURL *);
	const char *(*easy_strerror)(CURLcode);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void (*slist_free_all)(struct curl_slist *);
	CURLM *(*multi_init)(void);
	CURLMcode (*multi_setopt)(CURLM *, CURLMoption, ...);
	CURLMcode (*multi_add_handle)(CURLM *, CURL *);
	CURLMcode (*multi_remove_handle)(CURLM *, CURL *);
	CURLMcode (*multi_perform)(CURLM *, int *);
	CURLMsg *(*multi_info_read)(CURLM *, int *);
	CURLMcode (*multi_poll)(CURLM *, struct curl_waitfd *, unsigned int,
	    int, int *);
	CURLMcode (*multi_cleanup)(CURLM *);
};

extern struct curl_api pierone_curl;

/* Load libcurl once; PIERONE_ENETWORK naming the library when it fails. */
int curl_load(struct pierone_err *err);

/* curl.h may define some as macros of their own. */
#undef curl_easy_setopt
#undef curl_easy_getinfo
#undef curl_multi_setopt
#undef curl_share_setopt

#define curl_global_init	(*pierone_curl.global_init)
#define curl_global_cleanup	(*pierone_curl.global_cleanup)
#define curl_easy_init		(*pierone_curl.easy_init)
#define curl_easy_setopt	(*pierone_curl.easy_setopt)
#define curl_easy_perform	(*pierone_curl.easy_perform)
#define curl_easy_getinfo	(*pierone_curl.easy_getinfo)
#define curl_easy_cleanup	(*pierone_curl.easy_cleanup)
#define curl_easy_strerror	(*pierone_curl.easy_strerror)
#define curl_slist_append	(*pierone_curl.slist_append)
#define curl_slist_free_all	(*pierone_curl.slist_free_all)
#define curl_multi_init		(*pierone_curl.multi_init)
#define curl_multi_setopt	(*pierone_curl.multi_setopt)
#define curl_multi_add_handle	(*pierone_curl.multi_add_handle)
#define curl_multi_remove_handle (*pierone_curl.multi_remove_handle)
#define curl_multi_perform	(*pierone_curl.multi_perform)
#define curl_multi_info_read	(*pierone_curl.multi_info_read)
#define curl_multi_poll		(*pierone_curl.multi_poll)
#define curl_multi_cleanup	(*pierone_curl.multi_cleanup)

#endif /* PIERONE_CURLDL_H */
