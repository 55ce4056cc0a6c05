package dev.treewave.api.v1alpha1;

import java.time.DayOfWeek;

/** Days as people write them in YAML. */
public enum Weekday {
  Mon(DayOfWeek.MONDAY),
  Tue(DayOfWeek.TUESDAY),
  Wed(DayOfWeek.WEDNESDAY),
  Thu(DayOfWeek.THURSDAY),
  Fri(DayOfWeek.FRIDAY),
  Sat(DayOfWeek.SATURDAY),
  Sun(DayOfWeek.SUNDAY);

  private final DayOfWeek day;

  Weekday(DayOfWeek day) {
    this.day = day;
  }

  public DayOfWeek toDayOfWeek() {
    return day;
  }
}
