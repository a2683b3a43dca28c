package dev.loadsplitter.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The evaluator the Terraform checks lean on, held to what Terraform 1.11.4 answered for the same expressions. */
class ExpressionTest {

    private static Map<String, Object> variables(Object... nameValuePairs) {
        Map<String, Object> variables = new HashMap<>();
        for (int i = 0; i < nameValuePairs.length; i += 2) {
            variables.put((String) nameValuePairs[i], nameValuePairs[i + 1]);
        }
        return variables;
    }

    @Test
    void orEvaluatesBothSidesSoANullOperandFailsAsInTerraform() {
        // Terraform 1.11.4: "var.x is null ... Error during operation: argument must not be null."
        assertThatThrownBy(() -> Expression.condition("${var.x == null || var.x >= 2}", variables("x", null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("argument must not be null");
        assertThatThrownBy(() -> Expression.condition("${var.x != null && var.x >= 2}", variables("x", null)))
                .hasMessageContaining("argument must not be null");
    }

    @Test
    void theConditionalEvaluatesOnlyTheBranchItTakes() {
        String guarded = "${var.x == null ? true : (var.x >= 2 && var.x <= 1000)}";

        assertThat(Expression.condition(guarded, variables("x", null))).isTrue();
        assertThat(Expression.condition(guarded, variables("x", 1L))).isFalse();
        assertThat(Expression.condition(guarded, variables("x", 2L))).isTrue();
        assertThat(Expression.value("${null == null ? \"yes\" : \"no\"}", Map.of(), Map.of()))
                .isEqualTo("yes");
    }

    @Test
    void arithmeticFunctionsAndLocalsGiveWhatTerraformGave() {
        Map<String, String> locals =
                Map.of("path", "${max(var.work, var.dlq) + var.parked + var.work}", "ttl", "${local.path + 86400}");
        Map<String, Object> retention = variables("work", 345600L, "dlq", 1209600L, "parked", 1209600L);

        assertThat(Expression.number("${local.ttl}", retention, locals)).isEqualByComparingTo("2851200");
        assertThat(Expression.number("${7 % 3}", Map.of(), Map.of())).isEqualByComparingTo("1");
        assertThat(Expression.condition("${floor(2.5) == 2.5}", Map.of())).isFalse();
        assertThat(Expression.value("${tostring(2.5)}", Map.of(), Map.of())).isEqualTo("2.5");
        assertThat(Expression.value("${tostring(3)}", Map.of(), Map.of())).isEqualTo("3");
        assertThat(Expression.condition("${contains([1, 3, 5], var.d)}", variables("d", new BigDecimal("3"))))
                .isTrue();
        assertThat(Expression.condition("${can(regex(\"^[a-z]+$\", var.p))}", variables("p", "Load")))
                .isFalse();
        assertThat(Expression.condition(
                        "${var.dispatch != \"invoke\" || var.n != -1}", variables("dispatch", "sqs", "n", -1L)))
                .isTrue();
    }

    @Test
    void whatItCannotEvaluateFailsLoudly() {
        assertThatThrownBy(() -> Expression.condition("${var.missing == 1}", Map.of()))
                .hasMessageContaining("var.missing is not given");
        assertThatThrownBy(() -> Expression.value("${lower(\"A\")}", Map.of(), Map.of()))
                .hasMessageContaining("lower() is not supported");
        assertThatThrownBy(() -> Expression.value("${aws_sqs_queue.work.arn}", Map.of(), Map.of()))
                .hasMessageContaining("Cannot evaluate 'aws_sqs_queue.work.arn'");
    }
}
