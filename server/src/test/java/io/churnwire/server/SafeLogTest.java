package io.churnwire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SafeLogTest {

  @Test
  void value_withCrLf_cannotStartAForgedLogLine() {
    String safe = SafeLog.value("r1\r\n2026-01-01 INFO forged line");

    assertEquals("r1\\r\\n2026-01-01 INFO forged line", safe);
    assertFalse(safe.contains("\n") || safe.contains("\r"));
  }

  @Test
  void value_otherControlAndBidiCharacters_areEscaped() {
    assertEquals("a\\u0000b\\u001bc\\u202ed\\u2028e\\\\", SafeLog.value("a\u0000b\u001bc\u202ed\u2028e\\"));
  }

  @Test
  void value_longText_isCutSayingHowLongItWas() {
    String safe = SafeLog.value("x".repeat(1_000_000));

    assertEquals("x".repeat(SafeLog.MAX_CHARS) + "...(1000000 chars)", safe);
  }

  @Test
  void value_cutInTheMiddleOfASurrogatePair_keepsTheTextWellFormed() {
    String text = "x".repeat(SafeLog.MAX_CHARS - 1) + "\uD83D\uDE00tail";

    String safe = SafeLog.value(text);

    assertTrue(safe.startsWith("x".repeat(SafeLog.MAX_CHARS - 1) + "..."), safe);
  }

  @Test
  void value_ordinaryText_isUnchanged() {
    assertEquals("7590-VHVEG café", SafeLog.value("7590-VHVEG café"));
  }
}
