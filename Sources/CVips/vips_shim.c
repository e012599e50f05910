// Calls into libvips through dlsym'd pointers. C (not Swift) makes these calls because libvips' API is variadic,
// and only C can call a variadic function through a pointer correctly on every ABI.
#include "CVips.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

typedef struct VipsImage VipsImage;
typedef struct VipsArea VipsArea;

static void *library;
static int loaded;
static char load_error[512];
static _Thread_local char call_error[512];

static int (*vips_init_)(const char *);
static const char *(*vips_version_string_)(void);
static int (*vips_thumbnail_buffer_)(void *, size_t, VipsImage **, int, ...);
static int (*vips_jpegsave_buffer_)(VipsImage *, void **, size_t *, ...);
static int (*vips_image_hasalpha_)(VipsImage *);
static int (*vips_flatten_)(VipsImage *, VipsImage **, ...);
static void *(*vips_array_double_newv_)(int, ...);
static void (*vips_area_unref_)(VipsArea *);
static const char *(*vips_error_buffer_)(void);
static void (*vips_error_clear_)(void);
static void (*vips_cache_set_max_)(int);
static void (*vips_concurrency_set_)(int);
static VipsImage *(*vips_image_new_from_buffer_)(const void *, size_t, const char *, ...);
static int (*vips_image_get_width_)(const VipsImage *);
static int (*vips_image_get_height_)(const VipsImage *);
static int (*vips_image_get_bands_)(const VipsImage *);
static int (*vips_image_get_format_)(const VipsImage *);
static void (*g_object_unref_)(void *);
static void (*g_free_)(void *);

static pthread_once_t once = PTHREAD_ONCE_INIT;

#define RESOLVE(name) \
    do { \
        *(void **)(&name##_) = dlsym(library, #name); \
        if (!name##_) { snprintf(load_error, sizeof load_error, "libvips lacks %s", #name); return; } \
    } while (0)

// Resolves the functions and initialises libvips, once per process, from the first library found.
static void load_once(void) {
    RESOLVE(vips_init);
    RESOLVE(vips_version_string);
    RESOLVE(vips_thumbnail_buffer);
    RESOLVE(vips_jpegsave_buffer);
    RESOLVE(vips_image_hasalpha);
    RESOLVE(vips_flatten);
    RESOLVE(vips_array_double_newv);
    RESOLVE(vips_area_unref);
    RESOLVE(vips_error_buffer);
    RESOLVE(vips_error_clear);
    RESOLVE(vips_cache_set_max);
    RESOLVE(vips_concurrency_set);
    RESOLVE(vips_image_new_from_buffer);
    RESOLVE(vips_image_get_width);
    RESOLVE(vips_image_get_height);
    RESOLVE(vips_image_get_bands);
    RESOLVE(vips_image_get_format);
    RESOLVE(g_object_unref);
    RESOLVE(g_free);
    if (vips_init_("bidforge") != 0) {
        snprintf(load_error, sizeof load_error, "vips_init failed: %s", vips_error_buffer_());
        return;
    }
    // Each derivative is made once; caching operations would only hold memory.
    vips_cache_set_max_(0);
    // One worker thread per image: a large decode may take its time, never every core the instance serves with.
    vips_concurrency_set_(1);
    loaded = 1;
}

int bf_vips_load(const char *library_names) {
    // Every call looks for the library under the names it is given (dlopen of a loaded library is cheap), so a
    // configuration naming an absent library reports imaging unavailable even in a process that loaded another.
    char names[1024];
    snprintf(names, sizeof names, "%s", library_names ? library_names : "libvips.so.42");
    void *found = NULL;
    char *saveptr = NULL;
    for (char *name = strtok_r(names, ";", &saveptr); name && !found; name = strtok_r(NULL, ";", &saveptr)) {
        found = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    }
    if (!found) {
        const char *why = dlerror();
        snprintf(call_error, sizeof call_error, "%s", why ? why : "libvips not found");
        return 0;
    }
    if (!__atomic_load_n(&library, __ATOMIC_ACQUIRE)) {
        static pthread_mutex_t first = PTHREAD_MUTEX_INITIALIZER;
        pthread_mutex_lock(&first);
        if (!library) library = found;
        pthread_mutex_unlock(&first);
    }
    pthread_once(&once, load_once);
    if (!loaded) snprintf(call_error, sizeof call_error, "%s", load_error);
    return loaded;
}

const char *bf_vips_version(void) {
    return loaded ? vips_version_string_() : "";
}

const char *bf_vips_error(void) {
    return call_error;
}

static int fail(const char *what) {
    snprintf(call_error, sizeof call_error, "%s: %s", what, vips_error_buffer_());
    vips_error_clear_();
    return -1;
}

int bf_vips_fit_jpeg(const void *input, size_t input_length, int width, int height, int quality,
                     void **output, size_t *output_length) {
    if (!loaded) { snprintf(call_error, sizeof call_error, "libvips is not loaded"); return -1; }
    VipsImage *resized = NULL;
    // VIPS_SIZE_DOWN (2): shrink to fit, never enlarge.
    if (vips_thumbnail_buffer_((void *)input, input_length, &resized, width, "height", height, "size", 2, NULL) != 0) {
        return fail("resize");
    }
    VipsImage *opaque = resized;
    if (vips_image_hasalpha_(resized)) {
        void *white = vips_array_double_newv_(3, 255.0, 255.0, 255.0);
        int status = vips_flatten_(resized, &opaque, "background", white, NULL);
        vips_area_unref_((VipsArea *)white);
        g_object_unref_(resized);
        if (status != 0) return fail("flatten");
    }
    int status = vips_jpegsave_buffer_(opaque, output, output_length, "Q", quality, NULL);
    g_object_unref_(opaque);
    return status == 0 ? 0 : fail("encode");
}

void bf_vips_free(void *pointer) {
    if (pointer && g_free_) g_free_(pointer);
}

int bf_vips_header(const void *input, size_t input_length, int *width, int *height, int *bands, int *bytes_per_sample) {
    if (!loaded) { snprintf(call_error, sizeof call_error, "libvips is not loaded"); return -1; }
    // Opening from a buffer is lazy: only the header is parsed until pixels are asked for.
    VipsImage *image = vips_image_new_from_buffer_(input, input_length, "", NULL);
    if (!image) return fail("header");
    *width = vips_image_get_width_(image);
    *height = vips_image_get_height_(image);
    *bands = vips_image_get_bands_(image);
    // VipsBandFormat: uchar, char, ushort, short, uint, int, float, complex, double, dpcomplex.
    static const int sizes[] = {1, 1, 2, 2, 4, 4, 4, 8, 8, 16};
    int format = vips_image_get_format_(image);
    *bytes_per_sample = format >= 0 && format < 10 ? sizes[format] : 16;
    g_object_unref_(image);
    return 0;
}
