package dev.treewave.api.v1alpha1;

/** Schema patterns shared by the records, so the CRD and the Java parsers agree. */
public final class Patterns {
  /** An OSTree commit checksum: SHA-256, lower-case hex. */
  public static final String COMMIT = "^[0-9a-f]{64}$";

  /** A stateroot name (directory under /ostree/deploy). */
  public static final String OS_NAME = "^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$";

  /** An OSTree ref: slash-separated segments, no "..", no leading or trailing slash. */
  public static final String REF = "^[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$";

  /** A Go-style duration as kubectl users write it: 90s, 10m, 1h30m. */
  public static final String DURATION = "^([0-9]{1,6}(h|m|s|ms))+$";

  /**
   * Longest duration text. Short enough that no string matching {@link #DURATION} overflows the API
   * server's duration type (about 2.5 million hours), so the range rules below never fail to
   * evaluate; long enough for "1h30m15s".
   */
  public static final int DURATION_MAX_LENGTH = 16;

  /**
   * Range rules over durations (in the records) first check the text against {@link #DURATION}, so
   * text that is no duration gets the pattern's message rather than a CEL evaluation error.
   */
  public static final String IS_DURATION = ".matches('" + DURATION + "')";

  /**
   * One kernel argument: a non-empty word with no space, tab, newline or other control character.
   * The kernel splits its command line at white space, so anything else would become several
   * arguments or break the boot entry. Kept in sync with the operator's SpecValidator.
   */
  public static final String KERNEL_ARGUMENT = "^[^\\x00-\\x20\\x7f]+$";

  /** Longest kernel argument; the whole command line of most architectures is at most 4 KiB. */
  public static final int KERNEL_ARGUMENT_MAX_LENGTH = 4096;

  /** Most kernel arguments added or removed by one OSImage. */
  public static final int KERNEL_ARGUMENTS_MAX_ITEMS = 128;

  /** Longest repository URL (what browsers and proxies commonly accept). */
  public static final int URL_MAX_LENGTH = 2048;

  /** Longest ref: ostree puts no limit, but every real ref is far shorter. */
  public static final int REF_MAX_LENGTH = 256;

  /** A Kubernetes object name (DNS subdomain). */
  public static final int NAME_MAX_LENGTH = 253;

  /** A Kubernetes label key: optional DNS-subdomain prefix and "/", then a name of 63 at most. */
  public static final String LABEL_KEY =
      "^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$";

  public static final int LABEL_KEY_MAX_LENGTH = 317;

  /** A Kubernetes label value: empty, or 63 characters at most, alphanumeric at both ends. */
  public static final String LABEL_VALUE = "^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$";

  public static final int LABEL_VALUE_MAX_LENGTH = 63;

  /** Most nodes one wave count (or one budget) may name; far above any real cluster. */
  public static final int MAX_NODES = 100000;

  /** Wall-clock time of day, 24-hour. */
  public static final String TIME_OF_DAY = "^([01][0-9]|2[0-3]):[0-5][0-9]$";

  /** A percentage from 1% to 100%. */
  public static final String PERCENT = "^([1-9][0-9]?|100)%$";

  /**
   * Every valid percentage as a CEL list. The API server prices a regex over an int-or-string
   * (which cannot carry maxLength) as far too expensive inside a list of waves; membership in a
   * list of short constants is cheap and says exactly the same. Measured on kube-apiserver 1.32: a
   * single {@code matches('^([1-9][0-9]?|100)%$')} in the Wave rules makes the CRD refused, each
   * rule's "estimated rule cost exceeds budget by factor of 2.5x". The arithmetic (apiserver and
   * cel-go of 1.32): an int-or-string is CEL {@code dyn} sized as the largest request, 3 MiB - 2
   * bytes, whatever maxLength says (SchemaDeclType returns before reading it for int-or-string);
   * matches() costs 0.1 per string byte times 0.25 per regex character, 314,573 x 5 = 1.57M; a Wave
   * rule runs once per wave, up to 16 (waves' maxItems), 25.2M against the 10M per-rule limit. It
   * would fit only with at most 6 waves.
   */
  public static final String PERCENTAGES =
      "["
          + "'1%','2%','3%','4%','5%','6%','7%','8%','9%','10%'"
          + ","
          + "'11%','12%','13%','14%','15%','16%','17%','18%','19%','20%'"
          + ","
          + "'21%','22%','23%','24%','25%','26%','27%','28%','29%','30%'"
          + ","
          + "'31%','32%','33%','34%','35%','36%','37%','38%','39%','40%'"
          + ","
          + "'41%','42%','43%','44%','45%','46%','47%','48%','49%','50%'"
          + ","
          + "'51%','52%','53%','54%','55%','56%','57%','58%','59%','60%'"
          + ","
          + "'61%','62%','63%','64%','65%','66%','67%','68%','69%','70%'"
          + ","
          + "'71%','72%','73%','74%','75%','76%','77%','78%','79%','80%'"
          + ","
          + "'81%','82%','83%','84%','85%','86%','87%','88%','89%','90%'"
          + ","
          + "'91%','92%','93%','94%','95%','96%','97%','98%','99%','100%'"
          + "]";

  public static final String COUNT_OR_PERCENT_MESSAGE =
      "must be a node count from 1 to 100000 or a percentage from 1% to 100%";

  private Patterns() {}
}
