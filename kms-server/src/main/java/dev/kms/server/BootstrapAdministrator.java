package dev.kms.server;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.identity.CreatedAccessKey;
import dev.kms.core.identity.IamService;
import dev.kms.core.identity.Principal;
import dev.kms.core.identity.RequestContext;
import dev.kms.core.model.Deployment;
import dev.kms.node.KmsHome;
import dev.kms.node.KmsNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Set;

/**
 * The administrator {@code kms server} makes sure exists, so that a client can call the server at all: the IAM
 * user {@value #USER} of the deployment account, with an identity policy allowing {@code kms:*} and {@code iam:*}
 * (so that the operator of a running server can create the other users, roles and keys) and an access
 * key written once to KMS_HOME/{@value #FILE_NAME} as the {@code [kms-admin]} profile of an AWS credentials
 * file, owner-only. The secret is in that file and nowhere else; it is never printed.
 */
public final class BootstrapAdministrator {
    public static final String USER = "kms-admin";
    public static final String PROFILE = USER;
    public static final String FILE_NAME = "bootstrap-credentials";
    static final String POLICY_NAME = "kms-admin";
    static final String POLICY = """
            {"Version": "2012-10-17", "Statement": [{"Sid": "KmsAdministrator", "Effect": "Allow", \
            "Action": ["kms:*", "iam:*"], "Resource": "*"}]}""";

    private BootstrapAdministrator() {
    }

    static Path file(KmsHome home) {
        return home.dir().resolve(FILE_NAME);
    }

    /**
     * Creates the user, its policy and the credentials file unless the file exists; true when it wrote the file
     * now. A deleted file is replaced by a new key (the old one stays until someone deletes it with kms iam).
     */
    static boolean ensure(KmsNode node, KmsHome home) {
        Path file = file(home);
        if (Files.exists(file)) {
            return false;
        }
        IamService iam = node.identity().iam();
        Deployment deployment = node.kms().deployment();
        RequestContext root = RequestContext.direct(Principal.root(deployment.partition(), deployment.accountId()),
                null, "kms-server");
        try {
            iam.getUser(root, USER);
        } catch (KmsException e) {
            if (e.code() != ErrorCode.NOT_FOUND) {
                throw e;
            }
            iam.createUser(root, USER);
        }
        iam.putUserPolicy(root, USER, POLICY_NAME, POLICY);
        try (CreatedAccessKey created = iam.createAccessKey(root, USER)) {
            write(file, created);
        }
        return true;
    }

    /** To a temporary owner-only file, then moved into place: a crash leaves no half-written credentials. */
    private static void write(Path file, CreatedAccessKey created) {
        char[] secret = created.secretAccessKey().chars();
        String head = "[" + PROFILE + "]\naws_access_key_id = " + created.accessKey().accessKeyId()
                + "\naws_secret_access_key = ";
        CharBuffer text = CharBuffer.allocate(head.length() + secret.length + 1);
        text.put(head).put(secret).put('\n').flip();
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(text);
        Path temp = file.resolveSibling(FILE_NAME + ".tmp");
        try {
            Files.deleteIfExists(temp);
            try (FileChannel channel = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(KmsHome.OWNER_ONLY_FILE))) {
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        } finally {
            Arrays.fill(text.array(), '\0');
            if (bytes.hasArray()) {
                Arrays.fill(bytes.array(), (byte) 0);
            }
        }
    }
}
