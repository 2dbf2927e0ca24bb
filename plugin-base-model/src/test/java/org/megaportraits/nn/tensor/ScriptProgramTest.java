package org.megaportraits.nn.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.megaportraits.sdk.ExecutionOptions;

/** A bundle's TorchScript class: compiled from its source, called with tensors and numbers, errors named. */
class ScriptProgramTest {

    private static final String SOURCE = """
            class Affine(Module):
              __parameters__ = []
              __buffers__ = []
              training : bool
              def forward(self: __torch__.Affine, x: Tensor) -> Tensor:
                return x
              def scaled(self: __torch__.Affine, x: Tensor, scale: Tensor, shift: Tensor) -> Tensor:
                return self.twice(x) * float(scale) + int(shift)
              def twice(self: __torch__.Affine, x: Tensor) -> Tensor:
                return x + x
            """;

    @Test
    void callsAMethodWithTensorsAndNumbers() {
        ScriptProgram p = ScriptProgram.compile("Affine", SOURCE);
        try (NDManager m = NDManager.newBaseManager(Devices.device(ExecutionOptions.CPU), Devices.ENGINE)) {
            NDArray x = m.create(new float[] {1, -2, 0.5f});
            NDArray y = p.call("scaled", x, ScriptProgram.number(0.25), ScriptProgram.number(3L)).singletonOrThrow();
            assertArrayEquals(new float[] {3.5f, 2f, 3.25f}, y.toFloatArray(), 1e-6f);
            assertTrue(y.getManager() == m || y.getManager().getParentManager() == m, "the result joins the first argument's manager");
        }
    }

    @Test
    void compilesAClassFromAResourceBesideItsOwner() {
        ScriptProgram p = ScriptProgram.compileResource(ScriptProgramTest.class, "Halves");
        try (NDManager m = NDManager.newBaseManager(Devices.device(ExecutionOptions.CPU), Devices.ENGINE)) {
            assertArrayEquals(new float[] {1f, -0.25f}, p.call("half", m.create(new float[] {2, -0.5f})).singletonOrThrow().toFloatArray(),
                    1e-6f);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ScriptProgram.compileResource(ScriptProgramTest.class, "Missing"));
        assertTrue(e.getMessage().contains("Missing.torchscript") && e.getMessage().contains("ScriptProgramTest"), e.getMessage());
    }

    @Test
    void sourceThatDoesNotCompileNamesTheClass() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ScriptProgram.compile("Broken", SOURCE.replace("Affine", "Broken").replace("x + x", "x + undefined_name")));
        assertTrue(e.getMessage().contains("Broken"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ScriptProgram.compile("not a name", SOURCE));
    }
}
