package io.modelmonitor.spring;

import io.modelmonitor.annotation.Features;
import io.modelmonitor.annotation.Monitored;
import java.util.Map;
import org.springframework.stereotype.Service;

/** The README's Spring Boot example, compiled and run by {@link SpringBootWebAppTest}. */
// tag::spring-boot[]
@Service
public class CtrScorer {

  @Monitored(model = "ctr", version = "v7")
  public double score(@Features Map<String, ?> features) {
    double price = ((Number) features.get("price")).doubleValue();
    return 1 / (1 + Math.exp(price - 5)); // the model call
  }
}
// end::spring-boot[]
