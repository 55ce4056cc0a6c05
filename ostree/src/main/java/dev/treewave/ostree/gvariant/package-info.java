/**
 * GVariant, the serialization every OSTree metadata object uses: type strings, a bounded parser
 * (depth and size limits) and a serializer that matches GLib byte for byte.
 */
package dev.treewave.ostree.gvariant;
