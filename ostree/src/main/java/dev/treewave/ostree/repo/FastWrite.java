package dev.treewave.ostree.repo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Creates a new file from bytes in memory with as few system calls as java.nio allows. */
final class FastWrite {
  private FastWrite() {}

  static void create(Path target, byte[] data) throws IOException {
    try (FileChannel ch =
        FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.wrap(data);
      while (b.hasRemaining()) {
        ch.write(b);
      }
    }
  }

  static void create(Path target, byte[] head, byte[] body, int bodyLength) throws IOException {
    try (FileChannel ch =
        FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer[] bufs = {ByteBuffer.wrap(head), ByteBuffer.wrap(body, 0, bodyLength)};
      while (bufs[1].hasRemaining()) {
        ch.write(bufs);
      }
    }
  }
}
