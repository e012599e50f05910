#ifndef BIDFORGE_CVIPS_H
#define BIDFORGE_CVIPS_H

#include <stddef.h>

/// Opens libvips with dlopen (the first of the ';'-separated names that loads) and, the first time, initialises it.
/// Returns 1 when imaging is available, 0 when none of the names loads; `bf_vips_error` then says why.
int bf_vips_load(const char *library_names);

/// The loaded libvips version ("8.14.1"), or "" when not loaded.
const char *bf_vips_version(void);

/// Why the last load or conversion on this thread failed.
const char *bf_vips_error(void);

/// Shrinks (never enlarges) the image in `input` to fit width x height, flattens transparency onto white and encodes
/// a JPEG at `quality`. On success returns 0 and sets *output / *output_length (release with bf_vips_free).
int bf_vips_fit_jpeg(const void *input, size_t input_length, int width, int height, int quality,
                     void **output, size_t *output_length);

/// Reads only the header of the image in `input`, without decoding it: width and height in pixels, bands (channels)
/// and bytes per sample of one band. Returns 0 on success, -1 when libvips cannot read it.
int bf_vips_header(const void *input, size_t input_length, int *width, int *height, int *bands, int *bytes_per_sample);

void bf_vips_free(void *pointer);

#endif
