/*
 * libarchive, loaded when the first image layer is read: linking it
 * would pull a dozen compression and XML libraries into every start of
 * pierone, doubling what --version costs (see curldl.h for the same with
 * libcurl).  Code below this header calls archive_* as usual; the calls go
 * through a table that archive_load() fills with dlopen(3)/dlsym(3).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef PIERONE_ARCHIVEDL_H
#define PIERONE_ARCHIVEDL_H

#include <archive.h>
#include <archive_entry.h>

#include "pierone.h"

struct archive_api {
	struct archive *(*read_new)(void);
	int (*read_support_filter_all)(struct archive *);
	int (*read_support_format_tar)(struct archive *);
	int (*read_support_format_empty)(struct archive *);
	int (*read_open_fd)(struct archive *, int, size_t);
	int (*read_next_header)(struct archive *, struct archive_entry **);
	int (*read_data_skip)(struct archive *);
	int (*read_free)(struct archive *);
	const char *(*error_string)(struct archive *);
	const char *(*entry_pathname)(struct archive_entry *);
	const char *(*entry_strmode)(struct archive_entry *);
	int (*entry_size_is_set)(struct archive_entry *);
	la_int64_t (*entry_size)(struct archive_entry *);
	int (*entry_mtime_is_set)(struct archive_entry *);
	time_t (*entry_mtime)(struct archive_entry *);
	long (*entry_mtime_nsec)(struct archive_entry *);
};

extern struct archive_api pierone_archive;

/* Load libarchive once; PIERONE_EIO naming the library when it fails. */
int archive_load(struct pierone_err *err);

#define archive_read_new		(*pierone_archive.read_new)
#define archive_read_support_filter_all	(*pierone_archive.read_support_filter_all)
#define archive_read_support_format_tar	(*pierone_archive.read_support_format_tar)
#define archive_read_support_format_empty (*pierone_archive.read_support_format_empty)
#define archive_read_open_fd		(*pierone_archive.read_open_fd)
#define archive_read_next_header	(*pierone_archive.read_next_header)
#define archive_read_data_skip		(*pierone_archive.read_data_skip)
#define archive_read_free		(*pierone_archive.read_free)
#define archive_error_string		(*pierone_archive.error_string)
#define archive_entry_pathname		(*pierone_archive.entry_pathname)
#define archive_entry_strmode		(*pierone_archive.entry_strmode)
#define archive_entry_size_is_set	(*pierone_archive.entry_size_is_set)
#define archive_entry_size		(*pierone_archive.entry_size)
#define archive_entry_mtime_is_set	(*pierone_archive.entry_mtime_is_set)
#define archive_entry_mtime		(*pierone_archive.entry_mtime)
#define archive_entry_mtime_nsec	(*pierone_archive.entry_mtime_nsec)

#endif /* PIERONE_ARCHIVEDL_H */
