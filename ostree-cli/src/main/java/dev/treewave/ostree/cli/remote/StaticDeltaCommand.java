package dev.treewave.ostree.cli.remote;

import dev.treewave.ostree.core.ObjectId;
import dev.treewave.ostree.delta.DeltaGenerator;
import dev.treewave.ostree.delta.DeltaName;
import dev.treewave.ostree.delta.DeltaStore;
import dev.treewave.ostree.delta.DeltaSuperblock;
import dev.treewave.ostree.delta.OfflineDelta;
import dev.treewave.ostree.repo.OstreeRepo;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "static-delta",
    description = "Static delta related commands",
    subcommands = {
      StaticDeltaCommand.ListDeltas.class,
      StaticDeltaCommand.Show.class,
      StaticDeltaCommand.Generate.class,
      StaticDeltaCommand.ApplyOffline.class
    })
final class StaticDeltaCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "No static-delta subcommand given");
  }

  @Command(name = "list", description = "List static delta files")
  static final class ListDeltas extends TransportCommand {
    @Override
    int execute() {
      var all = DeltaStore.list(repoPath());
      if (all.isEmpty()) {
        out().println("(No static deltas)");
      }
      all.forEach(d -> out().println(d));
      return 0;
    }
  }

  @Command(name = "show", description = "Dump information on a delta")
  static final class Show extends TransportCommand {
    @Parameters(index = "0")
    String name;

    @Override
    int execute() {
      DeltaName d = DeltaName.parse(name);
      DeltaSuperblock sb = OfflineDelta.read(repoPath().resolve(d.superblockPath()));
      out().println("Delta: " + d);
      out().println("Timestamp: " + Instant.ofEpochSecond(sb.timestamp()));
      var e = sb.metadata().get(DeltaSuperblock.ENDIANNESS_KEY);
      out()
          .println(
              "Endianness: "
                  + (e instanceof dev.treewave.ostree.gvariant.GVariant.U8 y && y.value() == 'B'
                      ? "big"
                      : "little"));
      out().println("Number of parts: " + sb.parts().size());
      long total = 0;
      long usize = 0;
      for (int i = 0; i < sb.parts().size(); i++) {
        var p = sb.parts().get(i);
        total += p.size();
        usize += p.uncompressedSize();
        out()
            .printf(
                "PartMeta%d: nobjects=%d size=%d usize=%d%n",
                i, p.objects().size(), p.size(), p.uncompressedSize());
      }
      out().println("Total Part Size: " + total);
      out().println("Total Uncompressed Part Size: " + usize);
      long fb = sb.fallbacks().stream().mapToLong(DeltaSuperblock.Fallback::compressedSize).sum();
      out().println("Number of fallback objects: " + sb.fallbacks().size());
      out().println("Total Fallback Size: " + fb);
      return 0;
    }
  }

  @Command(name = "generate", description = "Generate static delta files")
  static final class Generate extends TransportCommand {
    @Option(names = "--from", description = "Source revision (or 'empty')")
    String from;

    @Option(names = "--to", required = true)
    String to;

    @Option(names = "--empty", description = "Create a delta from the empty tree")
    boolean empty;

    @Option(names = "--inline", description = "Store parts inside the superblock")
    boolean inline;

    @Option(names = "--min-fallback-size", description = "Bytes; 0 disables fallbacks")
    Long minFallback;

    @Option(names = "--max-chunk-size", description = "MiB per part")
    Long maxChunk;

    @Option(
        names = "--max-bsdiff-size",
        description = "MiB (old + new) up to which modified files may be bsdiff'ed")
    Long maxBsdiff;

    @Option(names = "--disable-bsdiff", description = "Never encode files with bsdiff")
    boolean disableBsdiff;

    @Override
    int execute() {
      OstreeRepo repo = repo();
      ObjectId toId = repo.resolveRev(to);
      Optional<ObjectId> fromId =
          empty || from == null || from.equals("empty")
              ? Optional.empty()
              : Optional.of(repo.resolveRev(from));
      if (from == null && !empty) {
        fromId = repo.readCommit(toId).parent();
      }
      DeltaGenerator.Options o = DeltaGenerator.Options.DEFAULTS.withInline(inline);
      if (minFallback != null) {
        o = o.withMinFallbackSize(minFallback);
      }
      if (maxChunk != null) {
        o = o.withMaxPartSize(maxChunk * 1024 * 1024);
      }
      if (maxBsdiff != null) {
        o = o.withMaxBsdiffSize(maxBsdiff * 1024 * 1024);
      }
      if (disableBsdiff) {
        o = o.withMaxBsdiffSize(0);
      }
      DeltaSuperblock sb = new DeltaGenerator(repo, o).generate(fromId, toId);
      out()
          .println(
              "Generated static delta "
                  + sb.name()
                  + " ("
                  + sb.parts().size()
                  + " parts, "
                  + sb.fallbacks().size()
                  + " fallbacks)");
      return 0;
    }
  }

  @Command(name = "apply-offline", description = "Apply static delta file")
  static final class ApplyOffline extends TransportCommand {
    @Parameters(index = "0", paramLabel = "SUPERBLOCK")
    Path superblock;

    @Override
    int execute() {
      ObjectId c =
          OfflineDelta.apply(
              repo(),
              superblock.toFile().isDirectory() ? superblock.resolve("superblock") : superblock);
      out().println(c.hex());
      return 0;
    }
  }
}
