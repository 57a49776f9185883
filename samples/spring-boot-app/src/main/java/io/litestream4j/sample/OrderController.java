package io.litestream4j.sample;

import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /orders?item=..&quantity=..} and {@code GET /orders}. */
@RestController
public class OrderController {
  private final OrderService orders;

  public OrderController(OrderService orders) {
    this.orders = orders;
  }

  @PostMapping("/orders")
  public void place(
      @RequestParam("item") String item,
      @RequestParam(name = "quantity", defaultValue = "1") int quantity) {
    orders.place(item, quantity);
  }

  @GetMapping("/orders")
  public List<String> items() {
    return orders.items();
  }
}
