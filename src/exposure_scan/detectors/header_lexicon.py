"""The header lexicon: what column names announce, per entity and language, kept as data.

Why data and not regexes: a term list is reviewable by a native speaker, extendable without
touching the matcher, and the matcher can check it (no term may announce two entities).

Format of the term table: a ``[ENTITY]`` or ``[ENTITY/part]`` section, then one line per
language (``en: ...``; ``*`` is language-neutral: ``email``, ``iban``) of comma-separated
terms; indented lines continue the line above. A term is written as a human would write the
header (accents, ``ß``, apostrophes, spaces): it is normalised exactly like a header. A
trailing ``~`` marks an abbreviation or a term that needs context (strength 0.7), a trailing
``?`` a weak, ambiguous one (0.4); unmarked terms are exact (1.0). German umlauts are also
indexed in their ``ae``/``oe``/``ue`` spelling.
"""

from __future__ import annotations

from typing import Final

#: Language order used to break ties when a term belongs to several lexicons.
LANGUAGES: Final = ("en", "it", "de", "fr", "es", "nl", "pt")

_TERMS_TEXT = """
# people
[PERSON/full]
en: name, full name, complete name, legal name, account holder, holder name, cardholder,
    card holder, cardholder name, contact person, first last name, recipient~, addressee~,
    beneficiary~
it: nominativo, nome completo, nome e cognome, intestatario, titolare, referente~, destinatario~,
    beneficiario~
de: vollständiger name, vollname, kontoinhaber, karteninhaber, inhaber~, ansprechpartner,
    empfänger~
fr: nom complet, nom et prénom, nom prénom, titulaire, destinataire~, bénéficiaire~, interlocuteur~
es: nombre completo, nombre y apellidos, titular, persona de contacto
nl: naam, volledige naam, rekeninghouder, kaarthouder, contactpersoon, ontvanger~, begunstigde~
pt: nome completo, pessoa de contato, pessoa de contacto
[PERSON/given]
en: first name, given name, forename, christian name, fname~, f name~, first names
it: nome, nome proprio, primo nome
de: vorname, vornamen, rufname
fr: prénom, prénoms, premier prénom
es: nombre, nombres, nombre de pila, primer nombre
nl: voornaam, voornamen, roepnaam, voorletters~
pt: primeiro nome, nome próprio, prenome
[PERSON/family]
en: last name, surname, family name, maiden name, lname~, sname~
it: cognome, cognomi, cognome da nubile
de: nachname, familienname, zuname, geburtsname
fr: nom, nom de famille, nom de naissance, nom d'usage, nom de jeune fille
es: apellido, apellidos, primer apellido, segundo apellido, apellido paterno, apellido materno
nl: achternaam, familienaam, geslachtsnaam, meisjesnaam
pt: sobrenome, apelido~, último nome, nome de família
[PERSON/middle]
en: middle name, middle names, middle initial, second given name
it: secondo nome
de: zweiter vorname, weitere vornamen
fr: deuxième prénom, second prénom, autres prénoms
es: segundo nombre
nl: tussenvoegsel, tussenvoegsels, middelste naam
pt: nome do meio
[ORGANIZATION]
en: company, company name, organisation, organization, org~, employer, business name, firm, bank~
it: azienda, ragione sociale, società, ditta, denominazione, datore di lavoro, nome azienda,
    negozio~
de: firma, firmenname, unternehmen, arbeitgeber, gesellschaft
fr: entreprise, société, raison sociale, employeur, magasin~
es: empresa, razón social, compañía, empleador, tienda~
nl: bedrijf, bedrijfsnaam, onderneming, werkgever, winkel~
pt: companhia, razão social, empregador, loja~
[GENDER]
en: gender, sex, salutation?
it: sesso, genere
de: geschlecht, anrede?
fr: sexe, genre, civilité?
es: sexo, género, tratamiento?
nl: geslacht, aanhef?
pt: gênero, tratamento?
[MARITAL_STATUS]
en: marital status, civil status
it: stato civile
de: familienstand
fr: situation familiale, état civil
es: estado civil
nl: burgerlijke staat
pt: estado civil
[NATIONALITY]
en: nationality, citizenship
it: nazionalità, cittadinanza
de: staatsangehörigkeit, nationalität, staatsbürgerschaft
fr: nationalité, citoyenneté
es: nacionalidad, ciudadanía
nl: nationaliteit, staatsburgerschap
pt: nacionalidade, cidadania
[DATE_OF_BIRTH]
en: dob, bday~, d o b, date of birth, birth date, birthdate, birthday, born, born on, birth,
    year of birth, birth year
it: data di nascita, data nascita, data nasc~, dt nascita, nascita, compleanno, anno di nascita,
    nato il
de: geburtsdatum, geburtstag, geb datum, geb dat~, gebdat~, geboren, geboren am, geburtsjahr
fr: date de naissance, date naissance, date naiss~, naissance, né le, année de naissance,
    anniversaire~
es: fecha de nacimiento, fecha nacimiento, fec nac~, f nacimiento~, nacimiento, cumpleaños,
    año de nacimiento
nl: geboortedatum, geb datum, geboren op, verjaardag, geboortejaar
pt: data de nascimento, data nascimento, dt nasc~, nascimento, aniversário~, ano de nascimento
# contact
[EMAIL_ADDRESS]
*: email, e mail, mail~, email address, e mail address, mail address, email addr, emailaddr, pec,
    email id~, mail id~
en: electronic mail
it: posta elettronica, indirizzo email, indirizzo e mail, indirizzo mail, casella email,
    casella pec, indirizzo pec, indirizzo di posta elettronica, posta?
de: e mail adresse, emailadresse, mailadresse, elektronische post
fr: courriel, adresse email, adresse e mail, adresse mail, adresse électronique, adresse courriel,
    mél~
es: correo, correo electrónico, dirección de correo, dirección email,
    dirección de correo electrónico
nl: e mailadres, emailadres, mailadres, e mail adres, email adres
pt: correio eletrônico, correio electrónico, endereço de email, endereço eletrônico,
    endereço de e mail
[PHONE_NUMBER]
*: tel~, tel no, tel nr, telno, telnr, fax~, msisdn, gsm~, whatsapp~
en: phone, telephone, phone number, telephone number, phone no, mobile, mobile phone,
    mobile number, mobile no, cell, cell phone, cellphone, cellular, mob~, landline,
    contact number, fax number, ph~
it: telefono, numero di telefono, cellulare, cell~, recapito telefonico, telefono fisso,
    numero cellulare, utenza telefonica, fisso?
de: telefon, telefonnummer, handy, handynummer, mobil, mobilnummer, mobilfunknummer, mobiltelefon,
    festnetz, festnetznummer, rufnummer, telefax~, fon~
fr: téléphone, numéro de téléphone, portable, téléphone portable, téléphone fixe, tél portable,
    numéro de portable, fixe?
es: teléfono, número de teléfono, móvil, teléfono móvil, celular, teléfono celular, tfno~, tlf~,
    tlfno~, telf~, telef~, teléfono fijo, fijo?
nl: telefoon, telefoonnummer, telefoonnr, mobiel, mobiel nummer, mobiele telefoon, mobielnummer,
    vaste telefoon, vast nummer
pt: telefone, número de telefone, telemóvel, telefone celular, telefone fixo, contacto telefónico,
    contato telefônico, fone~, tlm~
[POSTAL_ADDRESS]
*: addr~, adr~
en: address, postal address, mailing address, residential address, residence~, domicile~
it: indirizzo, indirizzo postale, indir~, residenza~, domicilio~
de: adresse, anschrift, postanschrift, wohnadresse, wohnanschrift, meldeadresse, wohnsitz~
fr: adresse, adresse postale
es: dirección, dirección postal, domicilio~
nl: adres, postadres, woonadres, huisadres, correspondentieadres
pt: endereço, morada, endereço postal, residência~
[POSTAL_ADDRESS/street]
en: street, street address, street name, address line, addr line, street line, road~, avenue~, str~
it: via, nome via, strada~, via e numero civico
de: straße, straßenname, straße und hausnummer, straße hausnummer
fr: rue, voie, nom de rue, nom de voie, adresse ligne, ligne adresse, libellé voie
es: calle, nombre de calle, avenida~, línea de dirección
nl: straat, straatnaam, straat en huisnummer
pt: rua, logradouro, nome da rua
[POSTAL_ADDRESS/house_number]
en: house number, house no, house nr, street number, street no, building number, apartment~, apt~,
    flat number, suite~, address number~
it: civico, numero civico, n civico, num civico, interno~
de: hausnummer, hausnr, hnr~, haus nr
fr: numéro de rue, numéro de voie, numéro de maison
es: número de calle, número de casa, portal~, piso~, puerta~
nl: huisnummer, huisnr, huisnummer toevoeging, toevoeging~
pt: número da porta, número de porta, número da casa, número predial
# location
[LOCATION]
en: location, geolocation, gps, coordinates, coords, latitude, longitude, lat~, lng~, lon~, geo~
it: posizione gps, coordinate, coordinate gps, latitudine, longitudine
de: standort, koordinaten, breitengrad, längengrad
fr: localisation, géolocalisation
es: ubicación, coordenadas, latitud, longitud, geolocalización
nl: locatie, coördinaten, breedtegraad, lengtegraad
pt: localização, geolocalização
[LOCATION/postcode]
en: postcode, post code, postal code, zip, zip code, postal~
it: cap, c a p, codice postale, codice avviamento postale
de: plz, postleitzahl
fr: code postal, cp?
es: código postal, cod postal, cp?
nl: postcode
pt: cep, c postal
[LOCATION/city]
en: city, town, municipality, locality, village, hometown, place of birth, birthplace,
    city of birth
it: città, comune, località, luogo di nascita, comune di nascita, città di nascita, frazione~
de: stadt, ort, wohnort, gemeinde, geburtsort, ortschaft, ortsname
fr: ville, commune, localité, lieu de naissance, ville de naissance
es: ciudad, localidad, municipio, población, lugar de nacimiento, ciudad de nacimiento
nl: stad, plaats, woonplaats, gemeente, geboorteplaats, plaatsnaam
pt: cidade, localidade, concelho, local de nascimento, naturalidade, freguesia~
[LOCATION/region]
en: state, province, region, county, prefecture, territory~
it: provincia, regione, prov~
de: bundesland, kanton, landkreis, kreis~
fr: département, canton~
es: comunidad autónoma, comunidad~, estado
nl: provincie, regio, gewest
pt: distrito, região, estado, uf~
[LOCATION/country]
en: country, country code, country of residence, nation~
it: nazione, paese~, stato di residenza
de: land, staat~, wohnsitzland
fr: pays, pays de résidence
es: país, país de residencia
nl: land, land van herkomst
pt: país, país de residência
# identity documents
[US_SSN]
en: ssn, social security number, social security no, social security, soc sec no, soc sec number,
    ss number~
[IT_FISCAL_CODE]
it: codice fiscale, cod fiscale, cod fisc, codfisc, cf~, c f~
en: fiscal code~
fr: code fiscal~
es: código fiscal~
[UK_NINO]
en: nino, national insurance number, national insurance no, national insurance, ni number, ni no,
    nat ins no, nat ins number
[ES_NIF]
es: nif, dni, nie, nif nie, número de identificación fiscal, documento nacional de identidad,
    número dni
[DE_TAX_ID]
de: steuer id, steuerid, steueridentifikationsnummer, steuerliche identifikationsnummer,
    steuer identifikationsnummer, idnr, steuernummer~, identifikationsnummer~
[FR_NIR]
fr: nir, numéro de sécurité sociale, numéro sécurité sociale, sécurité sociale, num sécu,
    numéro sécu, sécu~, numéro insee, carte vitale~
[NATIONAL_ID]
en: national id, national id number, national identity number, identity card, identity card number,
    id card, id card number, id number?, identity number, personal id, personal number,
    document number~, id document, identity document, tax id, tax number, tin~, taxpayer id,
    tax identification number, citizen id, fiscal id, tax code~
it: carta d'identità, carta di identità, numero carta identità, documento di identità,
    numero documento~, documento?, tessera sanitaria~, id fiscale
de: personalausweis, personalausweisnummer, ausweis, ausweisnummer, ausweis nr,
    sozialversicherungsnummer, rentenversicherungsnummer, svnr~, identitätskarte
fr: carte d'identité, carte nationale d'identité, cni, numéro de carte d'identité,
    pièce d'identité, numéro fiscal
es: documento de identidad, número de documento~, número de seguridad social, nss~, naf~
nl: bsn, burgerservicenummer, sofinummer, identiteitskaart, id kaart, documentnummer~,
    identiteitsbewijs
pt: cartão de cidadão, número de identificação, bilhete de identidade, bi?, cpf, rg~,
    número de contribuinte, contribuinte~, niss
[PASSPORT]
en: passport, passport number, passport no, passport nr, passport id
it: passaporto, numero passaporto, numero di passaporto
de: reisepass, reisepassnummer, passnummer, pass nr
fr: passeport, numéro de passeport
es: pasaporte, número de pasaporte
nl: paspoort, paspoortnummer
pt: passaporte, número do passaporte
[DRIVER_LICENSE]
en: driver license, driver's license, driving licence, driving license, driver licence,
    licence number~, license number~, dl number~
it: patente, numero patente, patente di guida
de: führerschein, führerscheinnummer
fr: permis de conduire, numéro de permis
es: carnet de conducir, permiso de conducir
nl: rijbewijs, rijbewijsnummer
pt: carta de condução, carteira de motorista, cnh
[VAT_NUMBER]
en: vat number, vat id, vat no, vat reg no
it: partita iva, p iva, piva, numero iva
de: ust id, ustid, ust idnr, umsatzsteuer id, umsatzsteuer identifikationsnummer
fr: numéro de tva, numéro tva, tva intracommunautaire
es: cif, nif iva
nl: btw nummer, btw nr, btw id
pt: nipc, número de iva
# online
[SPECIAL_CATEGORY]
en: health, health condition, medical condition, diagnosis, diagnoses, medical history,
    medication, medications, allergy, allergies, disability, disabilities, blood type,
    religion, religious belief, faith~, ethnicity, ethnic origin, race~, sexual orientation,
    political opinion, political party, trade union, union membership, biometric,
    pregnancy
it: salute, stato di salute, diagnosi, patologia, patologie, anamnesi, farmaci, allergie,
    disabilità, invalidità, gruppo sanguigno, religione, etnia, origine etnica,
    orientamento sessuale, opinioni politiche, partito politico, iscrizione sindacale,
    sindacato~, gravidanza
de: gesundheit, gesundheitszustand, diagnose, vorerkrankungen, krankheiten, medikamente,
    allergien, behinderung, schwerbehinderung, blutgruppe, religion, konfession,
    religionszugehörigkeit, ethnische herkunft, sexuelle orientierung, politische meinung,
    parteizugehörigkeit, gewerkschaft, gewerkschaftszugehörigkeit, schwangerschaft
fr: santé, état de santé, diagnostic, antécédents médicaux, maladie, maladies, médicaments,
    allergies, handicap, groupe sanguin, religion, confession, origine ethnique,
    orientation sexuelle, opinion politique, parti politique, syndicat, appartenance syndicale,
    grossesse
es: salud, estado de salud, diagnóstico, historial médico, enfermedad, medicamentos,
    alergias, discapacidad, grupo sanguíneo, religión, origen étnico, orientación sexual,
    opinión política, partido político, afiliación sindical, embarazo
nl: gezondheid, diagnose, medische geschiedenis, medicatie, allergieën, handicap, bloedgroep,
    religie, geloof~, etniciteit, etnische afkomst, seksuele geaardheid, politieke voorkeur,
    vakbond, zwangerschap
pt: saúde, estado de saúde, diagnóstico, historial médico, doença, medicamentos, alergias,
    deficiência, tipo sanguíneo, grupo sanguíneo, religião, etnia, origem étnica,
    orientação sexual, opinião política, partido político, sindicato~, gravidez
[IP_ADDRESS]
*: ip, ip address, ipv4, ipv6, ip addr, remote addr, remote ip, client ip, source ip, src ip,
    last ip, login ip, x forwarded for
it: indirizzo ip
de: ip adresse
fr: adresse ip
es: dirección ip
nl: ip adres
pt: endereço ip
[MAC_ADDRESS]
*: mac address, macaddr, mac addr, mac~
[USERNAME]
*: login, login name, alias~, nick~
en: username, user name, screen name, handle~, nickname, display name, account name~, user?
it: nome utente, utente?, utenza~
de: benutzername, nutzername, anmeldename, benutzerkennung, kennung~, benutzer?
fr: nom d'utilisateur, nom utilisateur, identifiant~, pseudo, utilisateur?
es: nombre de usuario, usuario?
nl: gebruikersnaam, inlognaam, gebruiker?
pt: nome de usuário, nome de utilizador, utilizador?
[PASSWORD]
*: pwd, passwd, pw~, pass~, pin?, pin code?
en: password, passphrase, pass word, secret?
it: parola chiave, parola d'ordine, chiave di accesso
de: passwort, kennwort
fr: mot de passe, mdp
es: contraseña, clave~, clave de acceso
nl: wachtwoord
pt: senha, palavra passe, palavra chave
[PASSWORD_HASH]
*: pwhash, passhash, pwdhash
en: password hash, hashed password, password digest, encrypted password, crypted password
it: hash della password
fr: mot de passe chiffré, hash du mot de passe
es: contraseña cifrada
pt: senha criptografada
# payment
[CREDIT_CARD]
*: pan?, cc?, ccn, cc number, ccnum, cc no, cc num
en: credit card, credit card number, card number, card no, card num, card nr, debit card,
    debit card number, payment card, primary account number, card~, card pan
it: carta di credito, numero carta, numero carta di credito, numero della carta, carta?
de: kreditkarte, kreditkartennummer, kartennummer, kartennr, karte?
fr: carte bancaire, carte de crédit, numéro de carte, numéro carte bancaire, cb?, carte?
es: tarjeta~, tarjeta de crédito, número de tarjeta, tarjeta de débito
nl: creditcard, creditcardnummer, kaartnummer, betaalkaart
pt: cartão~, cartão de crédito, número do cartão, número de cartão, cartão de débito
[MASKED_CARD]
*: last4?, card last4, cc last4, masked pan
en: masked card, masked card number, truncated pan, card last four, last four?
it: carta mascherata
de: karte maskiert, maskierte karte
fr: carte masquée
es: tarjeta enmascarada
nl: gemaskeerde kaart
pt: cartão mascarado
[CARD_EXPIRY]
*: exp?, exp date~, exp month~, exp year~, expdate~, cc exp, mm yy?
en: expiry~, expiry date~, expiration~, expiration date~, expires?, expiry month~, expiry year~,
    expiration month~, expiration year~, card expiry, card expiration, valid thru, valid through,
    valid until~, good thru
it: scadenza?, data di scadenza?, data scadenza?, scadenza carta, mese scadenza~, anno scadenza~,
    valida fino al~
de: ablaufdatum~, gültig bis~, verfallsdatum~, ablauf?, ablaufmonat~, ablaufjahr~
fr: date d'expiration~, date expiration~, date de validité?, validité?, fin de validité?
es: fecha de caducidad~, caducidad?, vencimiento?, fecha de vencimiento?, fecha de expiración~,
    mes de vencimiento~, año de vencimiento~
nl: vervaldatum~, geldig tot~, verloopdatum~, geldigheid?
pt: validade?, data de validade?, data de expiração~, mês de validade~
[CARD_SECURITY_CODE]
*: cvv, cvc, cvv2, cvc2, cvn, csc, ccv, cav2, cid?
en: security code, card security code, card verification value, card verification code,
    verification code?
it: codice di sicurezza, codice sicurezza, codice cvv, codice di verifica?
de: prüfnummer, kartenprüfnummer, sicherheitscode, kartenprüfziffer, prüfziffer~
fr: cryptogramme, cryptogramme visuel, code de sécurité, code sécurité, code de vérification?
es: código de seguridad, código seguridad, código de verificación?
nl: beveiligingscode, veiligheidscode, kaartverificatiecode, verificatiecode?
pt: código de segurança, código segurança, código de verificação?
[IBAN_CODE]
*: iban, iban code, iban number, iban nummer, numero iban, codice iban, code iban, código iban,
    iban no, iban nr
[BANK_ACCOUNT]
en: bank account, account number, bank account number, acct number, acct no, account no,
    account nr, acc no~, checking account, savings account, bank details~
it: conto corrente, numero conto, numero di conto, coordinate bancarie, conto?
de: kontonummer, bankverbindung, bankkonto, konto nr, ktonr~, konto?
fr: numéro de compte, compte bancaire, rib, relevé d'identité bancaire, coordonnées bancaires,
    compte?
es: número de cuenta, cuenta bancaria, cuenta corriente, ccc, datos bancarios, cuenta?
nl: rekeningnummer, bankrekening, bankrekeningnummer, rekeningnr, rekening?
pt: número da conta, conta bancária, nib, conta corrente, dados bancários, conta?
[SWIFT_CODE]
*: swift, bic, swift code, bic code, swift bic, bic swift, codice swift, codice bic, code bic,
    code swift, código swift, código bic
en: sort code?, routing number?, aba?
it: abi?
de: bankleitzahl?, blz?
[CRYPTO]
*: crypto~, btc, eth, bitcoin, ethereum, litecoin, monero, wallet~, crypto address, wallet address,
    bitcoin address, btc address, eth address, ethereum address
it: portafoglio?, indirizzo wallet, portafoglio bitcoin
de: krypto adresse, krypto wallet, wallet adresse
fr: portefeuille?, adresse bitcoin
es: billetera~, monedero~, cartera?, dirección bitcoin
nl: portemonnee?
pt: carteira?, carteira bitcoin
# vehicles
[VIN]
*: vin, vin number, vin code, vin no
en: vehicle identification number, chassis, chassis number, chassis no, frame number~
it: telaio, numero di telaio, numero telaio, n telaio
de: fahrgestellnummer, fahrzeugidentifikationsnummer, fahrzeug ident nr, fin?
fr: numéro de série?, numéro vin, numéro de châssis, numéro d'identification du véhicule
es: bastidor, número de bastidor, chasis, número de chasis
nl: chassisnummer, chassisnr, voertuigidentificatienummer
pt: chassi, número do chassi, número de chassi, número de chassis
[LICENSE_PLATE]
en: license plate, licence plate, plate, plate number, number plate, registration number~, reg no~,
    car reg, vehicle registration, vehicle number~
it: targa, numero targa, targa veicolo
de: kennzeichen, kfz kennzeichen, amtliches kennzeichen, nummernschild, autokennzeichen
fr: immatriculation, plaque, plaque d'immatriculation, numéro d'immatriculation
es: matrícula, placa, número de matrícula
nl: kenteken, kentekenplaat, nummerbord
pt: placa do veículo
# not personal data
[ID]
*: id, uuid, guid, pk, fk~, oid~, rowid, row id, record id, uid, key id
en: identifier, reference, reference number, serial number, serial~, ref~
it: identificativo, codice identificativo, riferimento, matricola, progressivo~
de: referenz, aktenzeichen, seriennummer, laufnummer, lfd nr
fr: numéro de référence
es: identificador, referencia
nl: referentie, kenmerk~, volgnummer
pt: referência
[DATE]
*: timestamp, datetime, ts~, dt~, at~, am~
en: date, time~, created, created at, created on, creation date, created date, updated, updated at,
    updated on, modified, modified at, last modified, last updated, deleted at, inserted at,
    last login, last seen, signup date, registration date, registered~, registered at,
    registration?, order date, purchase date, year?, month?, day?, passport expiry,
    passport expiration, document expiry, id expiry, licence expiry, license expiry
it: data?, data ordine, data registrazione, registrazione~, data creazione, data inserimento,
    data modifica, data aggiornamento, ultimo accesso, data acquisto, data iscrizione, anno?,
    scadenza documento, scadenza passaporto, scadenza patente
de: datum, erstellt, erstellt am, angelegt am, geändert am, aktualisiert, zeitstempel,
    bestelldatum, registrierungsdatum, registriert am, anmeldedatum, letzter login,
    letzte anmeldung, erstellungsdatum, änderungsdatum, jahr?
fr: date, date de création, date de commande, date d'inscription, créé le, modifié le, horodatage,
    dernière connexion, date de modification, année?
es: fecha, fecha de creación, fecha alta, fecha de alta, fecha de pedido, fecha registro,
    fecha de registro, creado, último acceso, fecha modificación
nl: aangemaakt, aangemaakt op, gewijzigd, gewijzigd op, besteldatum, registratiedatum,
    laatste login, tijdstempel, jaar?
pt: data de criação, data do pedido, data de registo, data de registro, criado em, atualizado em,
    data de cadastro, cadastro~, data?
[AMOUNT]
en: price, amount, total, subtotal, cost, fee, balance, revenue, discount, paid amount, salary,
    quantity, qty, tax, vat?
it: prezzo, importo, totale, costo, saldo, sconto, imponibile, stipendio, quantità, iva?
de: preis, betrag, summe, gesamt, gesamtbetrag, kosten, gebühr, rabatt, mwst, menge, gehalt, netto,
    brutto
fr: prix, montant, coût, frais, solde, remise, salaire, quantité, tva?
es: precio, importe, coste, costo, descuento, salario, sueldo, cantidad, monto
nl: prijs, bedrag, totaal, korting, salaris, aantal, btw?
pt: preço, valor, custo, desconto, salário, quantidade, montante
[NOTE]
en: note, notes, comment, comments, remark, remarks, memo, description, message, msg, feedback,
    annotation, observations, free text, text?
it: nota, note, commento, commenti, osservazioni, descrizione, messaggio, annotazioni, testo?
de: bemerkung, bemerkungen, anmerkung, kommentar, notiz, notizen, beschreibung, nachricht, hinweis,
    freitext
fr: note, remarque, remarques, commentaire, commentaires, observation, message, texte libre
es: nota, notas, comentario, comentarios, observaciones, observación, descripción, mensaje
nl: opmerking, opmerkingen, notitie, notities, commentaar, omschrijving, beschrijving, bericht
pt: nota, notas, observação, observações, obs~, descrição, mensagem
[PRODUCT]
en: product, product name, item~, sku, ean, upc, gtin, article~
it: prodotto, articolo~, nome prodotto
de: produkt, artikel~, artikelnummer
fr: produit, article~
es: producto, artículo~
nl: product, artikel~
pt: produto, artigo~
[MODEL]
en: model, make, model name, brand~
it: modello, marca~
de: modell, marke~
fr: modèle, marque~
es: modelo, marca~
nl: model, merk~
pt: modelo, marca~
[VEHICLE_MODEL]
en: car model, vehicle model, car make, vehicle make, make and model, car, vehicle,
    vehicle type, car ordered, vehicle ordered, ordered model, car owned, trim level~
it: modello auto, modello veicolo, modello vettura, veicolo, auto, autovettura, vettura,
    allestimento~
de: fahrzeugmodell, automodell, fahrzeug, fahrzeugtyp, pkw, wagen~, ausstattungslinie~
fr: modèle de voiture, modèle du véhicule, véhicule, voiture, finition~
es: modelo de coche, modelo del vehículo, vehículo, coche, automóvil
nl: automodel, voertuig, voertuigtype, auto, wagen~
pt: modelo do carro, modelo do veículo, veículo, carro, viatura
[FILE]
en: file, filename, file name, path, filepath, file path, attachment, zip file
it: allegato, nome file
de: datei, dateiname, anhang, pfad
fr: fichier, nom de fichier, pièce jointe, chemin
es: archivo, nombre de archivo, adjunto, ruta
nl: bestand, bestandsnaam, bijlage
pt: arquivo, ficheiro, anexo, caminho
[URL]
*: url, uri, link, website, homepage, web address, web site, www
it: sito web, sito, indirizzo web
de: webseite, internetseite, homepage url
fr: site web, site internet
es: sitio web, página web, enlace
pt: site?, página
[META]
*: is, has, flag, count, cnt, status, type, kind, format, length, len, domain, provider, verified,
    confirmed, valid, validated, consent, opt, optin, opt in, optout, opt out, subscribed,
    unsubscribed, enabled, disabled, active, bounced, visible, version, hidden, public
it: verificato, verificata, confermato, confermata, valido, consenso, attivo, tipo, versione
de: verifiziert, bestätigt, gültig, einwilligung, aktiv, typ, anzahl, art~
fr: vérifié, confirmé, valide, consentement, actif
es: verificado, confirmado, válido, consentimiento, activo
nl: geverifieerd, bevestigd, geldig, toestemming, actief, soort
pt: ativo, consentimento
[HASH]
*: hash, hashed, digest, sha, sha1, sha224, sha256, sha384, sha512, md5, md4, ntlm, bcrypt, scrypt,
    argon2, pbkdf2, crypt, crypted, encrypted, salt, salted, checksum, fingerprint~
it: cifrata, cifrato, crittografata, crittografato, criptata
de: verschlüsselt, gehasht, prüfsumme
fr: chiffré, haché, empreinte~
es: cifrado, cifrada, encriptado, encriptada
nl: versleuteld
pt: criptografado, criptografada, encriptado
"""


def _sections(text: str) -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = {}
    section: dict[str, str] = {}
    lang = ""
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("["):
            section = table.setdefault(line.strip("[] "), {})
        elif line[0].isspace():
            section[lang] += " " + line.strip()
        else:
            lang, _, terms = line.partition(":")
            section[lang] = terms.strip()
    return table


#: ``"ENTITY"`` or ``"ENTITY/part"`` -> language -> comma-separated terms.
TERMS: Final[dict[str, dict[str, str]]] = _sections(_TERMS_TEXT)

#: Generic "name" words: PERSON on their own, but a qualifier redefines them
#: (``product_name`` is a PRODUCT, ``company name`` an ORGANIZATION, ``hostname`` nothing).
GENERIC_NAMES: Final = "name, nome, nom, nombre, naam"

#: Words that turn a generic name into something that is no hint at all (``host_name``).
NAME_BLOCKERS: Final[dict[str, str]] = {
    "en": "host, server, table, column, db, database, schema, app, application, service, "
    "bucket, queue, class, function, method, package, module, param, parameter, variable, key, "
    "tag, event, project, plan, course, campaign, role, group, team, category, template, "
    "device, browser, platform, feature, setting, config, attribute, property, node, cluster, "
    "instance, resource, code, layer, level, step, stage, folder, directory, dir, image, font, "
    "sheet, tab, index, list, field, job, task, unit, zone, metric, label",
    "it": "campo, colonna, tabella, categoria, gruppo, progetto, evento, corso, servizio, "
    "dispositivo, cartella",
    "de": "spalte, feld, tabelle, kategorie, gruppe, projekt, veranstaltung, dienst, gerät, ordner",
    "fr": "colonne, champ, catégorie, groupe, projet, événement, cours, service, appareil, dossier",
    "es": "columna, tabla, grupo, proyecto, curso, servicio, carpeta",
    "nl": "kolom, veld, tabel, groep, project, cursus, dienst, apparaat, map",
    "pt": "coluna, tabela, projeto, serviço, aparelho, pasta",
}

#: Qualifiers that do not change what a header announces: ``email_secondaria``,
#: ``Telefon privat``, ``billing.street`` and ``col_7`` (which then announces nothing).
NEUTRAL: Final[dict[str, str]] = {
    "*": "value, val, raw, string, txt, info, col, column, field, unnamed, var, "
    "attr, untitled, yyyy, mm, dd, hh, utc, iso, en, it, de, fr, es, nl, pt, e, num, no, nr, n, "
    "nro, nbr, code, profile, contact, account, details, detail, new, old",
    "en": "primary, secondary, main, other, alt, alternate, alternative, additional, extra, "
    "backup, current, previous, former, home, work, office, business, personal, private, "
    "customer, client, member, billing, shipping, delivery, invoice, mailing, number, "
    "information, preferred, default, emergency, person, people, owner, holder, "
    "line, full, my, your",
    "it": "principale, secondario, secondaria, altro, altra, aggiuntivo, casa, ufficio, lavoro, "
    "personale, privato, aziendale, cliente, contatto, fatturazione, spedizione, consegna, "
    "numero, codice, valore, dato, dati, attuale, nuovo, vecchio, preferito, recapito",
    "de": "haupt, primär, sekundär, weitere, weiterer, zusätzlich, privat, geschäftlich, "
    "dienstlich, büro, arbeit, kunde, kunden, kontakt, rechnung, liefer, lieferung, versand, "
    "nummer, wert, daten, angaben, aktuell, neu",
    "fr": "principal, secondaire, autre, supplémentaire, travail, bureau, professionnel, "
    "personnel, privé, facturation, livraison, expédition, numéro, valeur, données, actuel, "
    "nouveau, ancien",
    "es": "secundario, secundaria, otro, otra, adicional, trabajo, oficina, privado, cliente, "
    "contacto, facturación, envío, entrega, número, datos, nuevo, antiguo",
    "nl": "hoofd, primair, secundair, ander, andere, thuis, werk, kantoor, zakelijk, privé, "
    "persoonlijk, klant, factuur, levering, verzending, nummer, waarde, gegevens, huidig, nieuw, "
    "oud",
    "pt": "secundário, outro, outra, trabalho, escritório, pessoal, contato, contacto, "
    "faturação, faturamento, dados, atual, novo",
}

#: Articles and prepositions dropped before matching (``date de naissance`` = ``date
#: naissance``); ``d``/``l`` are elided articles (``date d'expiration``).
STOPWORDS: Final = (
    "of, the, an, for, per, para, pour, für, voor, and, und, et, or, oder, ou, de, di, del, "
    "della, dello, delle, dei, degli, da, dal, dalla, do, dos, das, du, des, la, le, les, el, "
    "los, las, lo, il, gli, van, von, vom, der, den, dem, die, het, zu, zum, zur, au, aux, al, "
    "ao, na, in, im, en, d, l, s"
)

#: Things that get numbers: ``<noun> <number word>`` (either order) is a record ID
#: (``Kundennummer``, ``numero ordine``, ``N° commande``, ``customer code``).
RECORD_NOUNS: Final[dict[str, str]] = {
    "en": "customer, client, order, invoice, member, membership, ticket, booking, reservation, "
    "transaction, shipment, tracking, contract, policy, case, subscriber, subscription, "
    "employee, patient, student, loyalty, request, payment, receipt, purchase, user",
    "it": "cliente, ordine, fattura, socio, tessera, prenotazione, transazione, spedizione, "
    "contratto, polizza, pratica, dipendente, paziente, studente, pagamento, ricevuta, utente",
    "de": "kunde, kunden, bestellung, bestell, rechnung, mitglied, mitglieds, buchung, auftrag, "
    "vertrag, sendung, police, mitarbeiter, patient, zahlung, beleg",
    "fr": "commande, facture, membre, adhérent, réservation, expédition, contrat, dossier, "
    "employé, étudiant, abonné, paiement",
    "es": "pedido, factura, socio, miembro, reserva, transacción, envío, contrato, póliza, "
    "expediente, empleado, paciente, estudiante, abonado, pago",
    "nl": "klant, bestelling, bestel, factuur, lid, boeking, reservering, transactie, zending, "
    "polis, werknemer, medewerker, abonnee, betaling",
    "pt": "encomenda, fatura, sócio, transação, apólice, processo, funcionário, aluno, "
    "assinante, pagamento",
}
NUMBER_WORDS: Final = "number, num, no, nr, n, nro, nbr, numero, nummer, code, codice, código, ref"

#: Related entities share a family; a family word elsewhere in the header strengthens a weak
#: or abbreviated match (``shipping_address.zip``, ``card.exp``, ``vehicles.fin``).
FAMILIES: Final[dict[str, str]] = {
    "POSTAL_ADDRESS": "address",
    "LOCATION": "address",
    "CREDIT_CARD": "card",
    "MASKED_CARD": "card",
    "CARD_EXPIRY": "card",
    "CARD_SECURITY_CODE": "card",
    "VIN": "vehicle",
    "LICENSE_PLATE": "vehicle",
    "MODEL": "vehicle",
    "BANK_ACCOUNT": "bank",
    "IBAN_CODE": "bank",
    "SWIFT_CODE": "bank",
}
FAMILY_WORDS: Final[dict[str, str]] = {
    "address": "address, addr, adr, indirizzo, indir, adresse, anschrift, dirección, adres, "
    "endereço, morada, shipping, billing, delivery, mailing, postal, residence, residenza, "
    "domicilio, spedizione, consegna, fatturazione, liefer, lieferung, versand, livraison, "
    "facturation, envío, entrega, facturación, levering, verzending, faturação",
    "card": "card, cc, credit, debit, payment, carta, credito, karte, kredit, kreditkarte, "
    "carte, tarjeta, kaart, creditcard, cartão, pagamento, zahlung, paiement, pago, betaling, "
    "visa, mastercard, amex, pan",
    "vehicle": "vehicle, car, auto, automobile, motorcycle, moto, truck, fahrzeug, kfz, pkw, "
    "wagen, veicolo, macchina, voiture, véhicule, vehículo, coche, voertuig, carro, veículo",
    "bank": "bank, banca, banco, banque, bancario, bancaria, konto, conto, cuenta, compte, "
    "rekening, conta, bankverbindung",
}
