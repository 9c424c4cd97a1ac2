package io.modelmonitor.feedback;

import java.util.Locale;

/** What a user did with a recommended item, in funnel order. */
public enum Event {
  /** The item was shown. */
  IMPRESSION,
  /** The item was clicked. */
  CLICK,
  /** The item was added to the cart. */
  ADD_TO_CART,
  /** The item was bought. */
  PURCHASE;

  /**
   * Returns the lowercase tag value, such as {@code add_to_cart}.
   *
   * @return the tag value
   */
  public String tag() {
    return name().toLowerCase(Locale.ROOT);
  }
}
