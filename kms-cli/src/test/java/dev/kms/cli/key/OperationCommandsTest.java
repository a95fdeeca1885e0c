package dev.kms.cli.key;

import dev.kms.cli.KmsCli;
import dev.kms.core.operation.KmsOperation;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The CLI's key commands are the operation table's rows, one each, named as the AWS CLI names them. */
class OperationCommandsTest {
    @Test
    void everyRow_hasItsCommand_andEveryApiCommand_isARow() {
        Map<String, CommandLine> commands = KmsCli.commandLine(new KmsCli(Map.of())).getSubcommands();
        TreeSet<String> apiCommands = commands.entrySet().stream()
                .filter(e -> e.getValue().getCommand() instanceof ApiCommand).map(Map.Entry::getKey)
                .collect(Collectors.toCollection(TreeSet::new));
        TreeSet<String> rows = Arrays.stream(KmsOperation.values()).map(KmsOperation::cliName)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(rows, apiCommands);
    }

    @Test
    void cliNames_areTheAwsClis() {
        assertEquals("create-key", KmsOperation.CREATE_KEY.cliName());
        assertEquals("generate-data-key-without-plaintext",
                KmsOperation.GENERATE_DATA_KEY_WITHOUT_PLAINTEXT.cliName());
        assertEquals("re-encrypt", KmsOperation.RE_ENCRYPT.cliName());
    }
}
