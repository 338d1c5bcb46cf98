/* The container's filesystem: rootfs bind, config mounts, devices, pivot_root, masked and
   read-only paths. Runs in the container's mount namespace, in the container's init. */
#ifndef CONTAINER_MOUNTS_H
#define CONTAINER_MOUNTS_H

#include "config.h"
#include <stdint.h>

struct mount_options
{
  unsigned long flags;           /* MS_* for mount(2) */
  unsigned long propagation;     /* MS_SHARED/MS_SLAVE/MS_PRIVATE/MS_UNBINDABLE [| MS_REC] */
  uint64_t attr_set, attr_clr;   /* MOUNT_ATTR_* applied to the mount itself */
  uint64_t rattr_set, rattr_clr; /* MOUNT_ATTR_* applied recursively ("rro", "rnosuid"...) */
  bool bind;
  bool recursive;
  bool copy_up; /* "tmpcopyup": fill a new tmpfs with what the image had there */
  char *data;   /* filesystem-specific options, comma-separated; NULL when none */
};

/* Splits OCI mount options into flags and data (config.md "Mounts"). */
int mount_options_parse (char *const *options, struct mount_options *out, ic_error_t *err);
void mount_options_clear (struct mount_options *opts);
/* The i-th option name rune recognizes, NULL past the end (for `rune features`). */
const char *mount_option_name (size_t i);
/* MS_* propagation flags for "rprivate", "shared"...; 0 when unknown. */
unsigned long mount_propagation_flags (const char *name);

/* Before pivot_root: binds the rootfs (rootfs_fd, opened by rune as the host's root, so a user
   namespace need not be able to reach its path) onto itself and does every mount of the
   config, in order, then the default and configured devices. in_userns: mknod is not allowed,
   so devices are bind-mounted from the host. Returns an fd of the new rootfs mount. */
int rootfs_prepare (const struct oci_config *config, int rootfs_fd, bool in_userns,
                    ic_error_t *err);
/* Makes the rootfs mount the new "/" with pivot_root, or MS_MOVE + chroot when no_pivot. */
int rootfs_pivot (int root_fd, bool no_pivot, ic_error_t *err);
/* After pivot_root: maskedPaths, readonlyPaths, root.readonly, rootfsPropagation. */
int rootfs_finalize (const struct oci_config *config, ic_error_t *err);

#endif
