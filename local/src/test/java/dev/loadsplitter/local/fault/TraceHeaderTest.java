package dev.loadsplitter.local.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TraceHeaderTest {

    @Test
    void anInvocationsHeaderHasLambdasShape() {
        TraceHeader trace = TraceHeader.create(Instant.ofEpochSecond(0x6756f1a0L), new Random(1));

        assertThat(trace.value()).matches("Root=1-6756f1a0-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0");
        assertThat(TraceHeader.rootOf(trace.value())).contains(trace.root());
    }

    @Test
    void theRootIsFoundWhereverItStandsAndOnlyWhenThere() {
        assertThat(TraceHeader.rootOf("Sampled=1; Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8"))
                .contains("1-5759e988-bd862e3fe1be46a994272793");
        assertThat(TraceHeader.rootOf("Parent=53995c3f42cd8ad8;Sampled=0")).isEmpty();
        assertThat(TraceHeader.rootOf("Root=")).isEmpty();
    }
}
